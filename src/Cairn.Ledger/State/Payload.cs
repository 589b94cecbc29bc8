using System.Collections;
using Cairn.Multiformats;

namespace Cairn.Ledger.State;

/// <summary>
/// Typed reads of a transaction payload (an IPLD map) that fail with a <see cref="RuleViolation"/>
/// naming the field, so a malformed transaction is rejected like any other rule breach.
/// </summary>
internal static class Payload
{
    public const int MaxIdLength = 128;

    public static long Long(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
        => TryLong(map.GetValueOrDefault(field), out var v) ? v : throw Missing(path, field, "an integer");

    public static long NonNegative(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
    {
        var v = Long(map, field, path);
        return v >= 0 ? v : throw new RuleViolation($"{path}.{field} is {v}; it must not be negative.");
    }

    public static long Positive(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
    {
        var v = Long(map, field, path);
        return v > 0 ? v : throw new RuleViolation($"{path}.{field} is {v}; it must be positive.");
    }

    public static long OptionalNonNegative(IReadOnlyDictionary<string, object?> map, string field, long fallback, string path = "payload")
        => map.GetValueOrDefault(field) is null ? fallback : NonNegative(map, field, path);

    public static string String(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
        => map.GetValueOrDefault(field) as string ?? throw Missing(path, field, "a string");

    public static string? OptionalString(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
        => map.GetValueOrDefault(field) switch
        {
            null => null,
            string s => s,
            _ => throw Missing(path, field, "a string"),
        };

    /// <summary>An id: 1–128 visible ASCII characters except ':', so keys stay unambiguous and byte-ordered.</summary>
    public static string Id(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
    {
        var s = String(map, field, path);
        if (s.Length is 0 or > MaxIdLength || s.Any(c => c is < '!' or > '~' or ':'))
        {
            throw new RuleViolation($"{path}.{field} '{s}' is not an id (1–{MaxIdLength} visible ASCII characters, no ':').");
        }

        return s;
    }

    public static string Did(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
    {
        var s = String(map, field, path);
        if (!Identity.DidKey.TryParse(s, out _))
        {
            throw new RuleViolation($"{path}.{field} '{s}' is not a P-256 did:key.");
        }

        return s;
    }

    public static IReadOnlyDictionary<string, object?> Map(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
        => AsMap(map.GetValueOrDefault(field)) ?? throw Missing(path, field, "a map");

    public static IReadOnlyDictionary<string, object?>? OptionalMap(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
        => map.GetValueOrDefault(field) is null ? null : Map(map, field, path);

    public static byte[] Bytes(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
        => map.GetValueOrDefault(field) switch
        {
            byte[] b => b,
            ReadOnlyMemory<byte> m => m.ToArray(),
            Memory<byte> m => m.ToArray(),
            _ => throw Missing(path, field, "bytes"),
        };

    public static List<string> Strings(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
    {
        var list = AsList(map.GetValueOrDefault(field)) ?? throw Missing(path, field, "a list of strings");
        var result = new List<string>(list.Count);
        foreach (var item in list)
        {
            result.Add(item as string ?? throw new RuleViolation($"{path}.{field} holds a non-string."));
        }

        return result;
    }

    public static List<Cid> Cids(IReadOnlyDictionary<string, object?> map, string field, string path = "payload")
    {
        var value = map.GetValueOrDefault(field);
        if (value is null)
        {
            return [];
        }

        var list = AsList(value) ?? throw Missing(path, field, "a list of CIDs");
        var result = new List<Cid>(list.Count);
        foreach (var item in list)
        {
            result.Add(item as Cid ?? throw new RuleViolation($"{path}.{field} holds a non-CID."));
        }

        return result;
    }

    public static bool TryLong(object? value, out long result)
    {
        switch (value)
        {
            case long l:
                result = l;
                return true;
            case int i:
                result = i;
                return true;
            case ulong u when u <= long.MaxValue:
                result = (long)u;
                return true;
            case uint u:
                result = u;
                return true;
            default:
                result = 0;
                return false;
        }
    }

    public static IReadOnlyDictionary<string, object?>? AsMap(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> d => d,
        IDictionary<string, object?> d => d.AsReadOnly(),
        IDictionary d => d.Keys.Cast<object>().All(k => k is string) ? d.Keys.Cast<string>().ToDictionary(k => k, k => d[k], StringComparer.Ordinal) : null,
        _ => null,
    };

    public static IReadOnlyList<object?>? AsList(object? value) => value switch
    {
        IReadOnlyList<object?> l => l,
        string => null,
        byte[] => null,
        IEnumerable e when value is not IDictionary => e.Cast<object?>().ToList(),
        _ => null,
    };

    private static RuleViolation Missing(string path, string field, string what) => new($"{path}.{field} must be {what}.");
}
