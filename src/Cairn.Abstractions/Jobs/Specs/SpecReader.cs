using System.Globalization;

namespace Cairn.Jobs.Specs;

/// <summary>
/// Reads typed values out of a spec's value tree (strings, booleans, longs, doubles, lists and
/// case-insensitive maps — what the YAML/JSON readers and <see cref="SpecConfig.Params"/> hold),
/// collecting every error with its path instead of stopping at the first.
/// </summary>
internal sealed class SpecReader
{
    public List<SpecError> Errors { get; } = [];

    public static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;

    public static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    public void Error(string path, string message, string? hint = null) =>
        Errors.Add(new SpecError { Path = path, Message = message, Hint = hint });

    public static string Describe(object? value) => value switch
    {
        null => "nothing (null)",
        string s => $"a string (\"{(s.Length > 40 ? s[..40] + "..." : s)}\")",
        bool b => $"a boolean ({(b ? "true" : "false")})",
        long l => $"an integer ({l.ToString(CultureInfo.InvariantCulture)})",
        double d => $"a number ({d.ToString(CultureInfo.InvariantCulture)})",
        IReadOnlyDictionary<string, object?> => "a mapping",
        IEnumerable<object?> => "a list",
        _ => "a " + value.GetType().Name,
    };

    public SpecMap? Map(object? value, string path)
    {
        switch (value)
        {
            case null:
                return null;
            case IReadOnlyDictionary<string, object?> map:
                return new SpecMap(this, map, path);
            default:
                Error(path, $"expected a mapping, got {Describe(value)}");
                return null;
        }
    }

    public IReadOnlyList<object?>? List(object? value, string path)
    {
        switch (value)
        {
            case null:
                return null;
            case IReadOnlyDictionary<string, object?>:
            case string:
                Error(path, $"expected a list, got {Describe(value)}");
                return null;
            case IEnumerable<object?> list:
                return list as IReadOnlyList<object?> ?? list.ToList();
            default:
                Error(path, $"expected a list, got {Describe(value)}");
                return null;
        }
    }

    /// <summary>Any scalar reads as a string: YAML turns <c>Name: 42</c> into a number the user meant as text.</summary>
    public string? String(object? value, string path) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => Fail<string>(path, "a string", value),
    };

    public long? Long(object? value, string path, long min = long.MinValue)
    {
        long? result = value switch
        {
            null => null,
            long l => l,
            double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            _ => Fail<long>(path, "an integer", value),
        };
        if (result < min)
        {
            Error(path, $"expected an integer of at least {min.ToString(CultureInfo.InvariantCulture)}, got {result.Value.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return result;
    }

    public int? Int(object? value, string path, int min = int.MinValue)
    {
        var l = Long(value, path, min);
        if (l > int.MaxValue)
        {
            Error(path, $"expected an integer up to {int.MaxValue.ToString(CultureInfo.InvariantCulture)}, got {l.Value.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return (int?)l;
    }

    public bool? Bool(object? value, string path) => value switch
    {
        null => null,
        bool b => b,
        string s when bool.TryParse(s, out var b) => b,
        _ => Fail<bool>(path, "a boolean (true or false)", value),
    };

    public IReadOnlyList<string> StringList(object? value, string path)
    {
        var list = List(value, path);
        if (list is null)
        {
            return [];
        }

        var result = new List<string>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var itemPath = Index(path, i);
            if (list[i] is IReadOnlyDictionary<string, object?> or (not string and IEnumerable<object?>) or null)
            {
                Error(itemPath, $"expected a string, got {Describe(list[i])}");
                continue;
            }

            result.Add(String(list[i], itemPath)!);
        }

        return result;
    }

    public IReadOnlyDictionary<string, string> StringMap(object? value, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value is null)
        {
            return result;
        }

        if (value is not IReadOnlyDictionary<string, object?> map)
        {
            Error(path, $"expected a mapping of strings, got {Describe(value)}");
            return result;
        }

        foreach (var (key, item) in map)
        {
            var itemPath = Child(path, key);
            if (item is IReadOnlyDictionary<string, object?> or (not string and IEnumerable<object?>))
            {
                Error(itemPath, $"expected a string, got {Describe(item)}");
                continue;
            }

            result[key] = String(item, itemPath) ?? string.Empty;
        }

        return result;
    }

    /// <summary>Seconds as an integer (Bacalhau) or a duration such as <c>90s</c>, <c>5m</c>, <c>1h30m</c>.</summary>
    public TimeSpan? Duration(object? value, string path)
    {
        switch (value)
        {
            case null:
                return null;
            case long seconds when seconds >= 0:
                return TimeSpan.FromSeconds(seconds);
            case double seconds when seconds >= 0 && seconds < 1e9:
                return TimeSpan.FromSeconds(seconds);
            case string s when TryParseDuration(s, out var duration):
                return duration;
            default:
                Error(path, $"expected a duration (seconds, or 30s, 5m, 1h30m), got {Describe(value)}");
                return null;
        }
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var s = text.Trim();
        if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var plain))
        {
            duration = TimeSpan.FromSeconds(plain);
            return true;
        }

        var i = 0;
        var any = false;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            double? factor = s[unitStart..i] switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => null,
            };
            if (factor is null || number * factor.Value > 1e9)
            {
                return false;
            }

            duration += TimeSpan.FromSeconds(number * factor.Value);
            any = true;
        }

        return any;
    }

    private T? Fail<T>(string path, string expected, object? value)
        where T : notnull
    {
        Error(path, $"expected {expected}, got {Describe(value)}");
        return default;
    }
}
