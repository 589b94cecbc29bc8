namespace Cairn.Jobs.Specs;

/// <summary>
/// A mapping being read: fields are taken by their canonical name (case-insensitively), and
/// <see cref="Finish"/> reports every key nobody took as an unknown field, suggesting the closest
/// known name.
/// </summary>
internal sealed class SpecMap
{
    private readonly SpecReader _reader;
    private readonly IReadOnlyDictionary<string, object?> _map;
    private readonly List<string> _known = [];

    public SpecMap(SpecReader reader, IReadOnlyDictionary<string, object?> map, string path)
    {
        _reader = reader;
        _map = map;
        Path = path;
    }

    public string Path { get; }

    public string Child(string name) => SpecReader.Child(Path, name);

    /// <summary>Takes the value of the field <paramref name="name"/> (null when absent).</summary>
    public object? Take(string name)
    {
        _known.Add(name);
        foreach (var (key, value) in _map)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public bool Has(string name) => _map.Keys.Any(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reports the keys that no <see cref="Take"/> asked for.</summary>
    public void Finish()
    {
        foreach (var key in _map.Keys)
        {
            if (_known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var suggestion = SpecSuggestions.Closest(key, _known);
            _reader.Error(
                Child(key),
                suggestion is null ? "unknown field" : $"unknown field; did you mean {suggestion}?",
                $"The fields here are: {string.Join(", ", _known)}.");
        }
    }
}
