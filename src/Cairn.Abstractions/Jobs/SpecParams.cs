namespace Cairn.Jobs;

/// <summary>Helpers for <see cref="SpecConfig.Params"/> maps.</summary>
public static class SpecParams
{
    /// <summary>An empty, case-insensitive parameter map.</summary>
    public static IReadOnlyDictionary<string, object?> Empty { get; } = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A case-insensitive copy of <paramref name="values"/>.</summary>
    public static IReadOnlyDictionary<string, object?> Create(IEnumerable<KeyValuePair<string, object?>> values)
    {
        var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            map[key] = value;
        }

        return map;
    }
}
