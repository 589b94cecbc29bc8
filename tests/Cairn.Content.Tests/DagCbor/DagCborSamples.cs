using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Cairn.Multiformats;

namespace Cairn.Content.Tests.DagCbor;

/// <summary>
/// Test values for DAG-CBOR: hand-picked edge cases, a seeded random generator, structural equality
/// that ignores CLR integer widths, and the tagged JSON form the node oracle reads
/// (tests/interop/dagcbor-oracle.mjs): null/true/false, {"i":"decimal"}, {"f":"hex of the 64 bits"},
/// {"s":text}, {"b":base64}, {"c":cid}, {"l":[...]}, {"m":[[key, value], ...]}.
/// </summary>
internal static class DagCborSamples
{
    private static readonly Cid CidV0 = Cid.Parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
    private static readonly Cid CidV1 = Cid.Compute(1, Multicodec.DagCbor, "x"u8);
    private static readonly Cid CidRaw = Cid.Compute(1, Multicodec.Raw, "hello"u8);
    private static readonly Cid CidIdentity = Cid.V1(Multicodec.Raw, Multihash.Compute(Multicodec.Identity, "inline"u8));

    public static IEnumerable<(string Name, object? Value)> EdgeCases()
    {
        yield return ("null", null);
        yield return ("true", true);
        yield return ("false", false);
        foreach (var (name, v) in new (string, BigInteger)[]
        {
            ("0", 0), ("1", 1), ("23", 23), ("24", 24), ("255", 255), ("256", 256), ("65535", 65535), ("65536", 65536),
            ("2^32-1", uint.MaxValue), ("2^32", (BigInteger)uint.MaxValue + 1), ("2^53", BigInteger.Pow(2, 53)), ("2^53+1", BigInteger.Pow(2, 53) + 1),
            ("2^63-1", long.MaxValue), ("2^63", (BigInteger)long.MaxValue + 1), ("2^64-1", ulong.MaxValue),
            ("-1", -1), ("-24", -24), ("-25", -25), ("-256", -256), ("-257", -257), ("-65536", -65536), ("-65537", -65537),
            ("-2^32", -(BigInteger)uint.MaxValue - 1), ("-2^32-1", -(BigInteger)uint.MaxValue - 2), ("-2^53-1", -BigInteger.Pow(2, 53) - 1),
            ("-2^63", long.MinValue), ("-2^63-1", (BigInteger)long.MinValue - 1), ("-2^64", -(BigInteger.One << 64)),
        })
        {
            yield return ("int " + name, v);
        }

        yield return ("int32 -5", -5);
        yield return ("uint64 7", 7UL);
        foreach (var (name, d) in new (string, double)[]
        {
            ("0.0", 0.0), ("-0.0", -0.0), ("1.0", 1.0), ("1.5", 1.5), ("-1.5", -1.5), ("0.1", 0.1), ("1e300", 1e300), ("-1e-300", -1e-300),
            ("max", double.MaxValue), ("min", double.MinValue), ("epsilon", double.Epsilon), ("2^53", 9007199254740992.0), ("2^64", 18446744073709551616.0),
            ("65504", 65504.0), ("3.4028234663852886e38", 3.4028234663852886e38),
        })
        {
            yield return ("float " + name, d);
        }

        yield return ("empty string", string.Empty);
        yield return ("string a", "a");
        yield return ("string 23 chars", new string('x', 23));
        yield return ("string 24 chars", new string('x', 24));
        yield return ("string 256 chars", new string('y', 256));
        yield return ("string 70000 chars", new string('z', 70000));
        yield return ("string unicode", "é漢字🎉\u0000\u007f");
        yield return ("empty bytes", Array.Empty<byte>());
        yield return ("bytes 0..255", Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        yield return ("empty list", new List<object?>());
        yield return ("empty map", new Dictionary<string, object?>());
        yield return ("keys by length and bytes", new Dictionary<string, object?> { ["b"] = 1, ["a"] = 2, ["aa"] = 3, ["ab"] = 4, ["é"] = 5, ["z"] = 6, ["\u007f"] = 7, [string.Empty] = 8, ["aaa"] = 9, ["🎉"] = 10 });
        yield return ("numeric-looking keys", new Dictionary<string, object?> { ["10"] = 1, ["2"] = 2, ["1"] = 3, ["a"] = 4 });
        yield return ("nested maps", new Dictionary<string, object?>
        {
            ["outer"] = new Dictionary<string, object?> { ["inner"] = new Dictionary<string, object?> { ["x"] = new List<object?> { 1, "two", 3.5, null, true } } },
            ["list"] = new List<object?> { new Dictionary<string, object?> { ["k"] = Array.Empty<byte>() }, new List<object?>() },
        });
        yield return ("cid v0", CidV0);
        yield return ("cid v1 dag-cbor", CidV1);
        yield return ("cid v1 raw", CidRaw);
        yield return ("cid identity", CidIdentity);
        yield return ("cids in map", new Dictionary<string, object?> { ["links"] = new List<object?> { CidV0, CidV1, CidRaw }, ["self"] = CidIdentity });
        yield return ("ledger-like transaction", LedgerLike(1));
        yield return ("deep list 100", Nest(100));
    }

    public static Dictionary<string, object?> LedgerLike(int nonce) => new()
    {
        ["type"] = "deal",
        ["from"] = "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
        ["nonce"] = (long)nonce,
        ["amount"] = new BigInteger(12345678901234567890UL),
        ["fee"] = 1000L,
        ["inputs"] = new List<object?> { CidV1, CidRaw },
        ["payload"] = new Dictionary<string, object?> { ["job"] = "j-" + nonce, ["cpu"] = 1.5, ["memory"] = 268435456L },
        ["prev"] = CidV1,
        ["signature"] = Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray(),
    };

    public static object? Nest(int depth)
    {
        object? value = "leaf";
        for (var i = 0; i < depth; i++)
        {
            value = new List<object?> { value };
        }

        return value;
    }

    /// <summary>A random value tree; the same seed gives the same tree.</summary>
    public static object? Random(Random random, int depth)
    {
        var choice = random.Next(depth <= 0 ? 9 : 12);
        switch (choice)
        {
            case 0:
                return null;
            case 1:
                return random.Next(2) == 0;
            case 2:
                return RandomInteger(random);
            case 3:
                return RandomInteger(random);
            case 4:
                return RandomDouble(random);
            case 5:
            case 6:
                return RandomString(random);
            case 7:
                var bytes = new byte[random.Next(4) == 0 ? random.Next(300) : random.Next(12)];
                random.NextBytes(bytes);
                return bytes;
            case 8:
                return random.Next(4) switch
                {
                    0 => CidV0,
                    1 => CidIdentity,
                    _ => Cid.Compute(1, random.Next(2) == 0 ? Multicodec.Raw : Multicodec.DagCbor, BitConverter.GetBytes(random.Next())),
                };
            case 9:
            case 10:
                var list = new List<object?>();
                var n = random.Next(random.Next(8) == 0 ? 40 : 6);
                for (var i = 0; i < n; i++)
                {
                    list.Add(Random(random, depth - 1));
                }

                return list;
            default:
                var map = new Dictionary<string, object?>();
                var m = random.Next(random.Next(8) == 0 ? 40 : 6);
                for (var i = 0; i < m; i++)
                {
                    map[RandomString(random)] = Random(random, depth - 1);
                }

                return map;
        }
    }

    public static BigInteger RandomInteger(Random random)
    {
        // Mostly around the CBOR head boundaries, where encoders get it wrong.
        BigInteger magnitude = random.Next(6) switch
        {
            0 => random.Next(30),
            1 => random.Next(0, 70000),
            2 => (BigInteger)(uint)random.NextInt64(0, 1L << 32) + random.Next(3),
            3 => (BigInteger)(ulong)random.NextInt64() << random.Next(2),
            4 => (BigInteger.One << random.Next(65)) - random.Next(2),
            _ => random.NextInt64(),
        };
        if (magnitude > ulong.MaxValue)
        {
            magnitude = ulong.MaxValue;
        }

        return random.Next(2) == 0 ? magnitude : -magnitude - 1;
    }

    public static double RandomDouble(Random random)
    {
        while (true)
        {
            var d = random.Next(4) switch
            {
                0 => random.Next(-1000, 1000) / 4.0,
                1 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)),
                2 => random.Next(-100000, 100000),
                _ => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)),
            };
            if (double.IsFinite(d))
            {
                return d;
            }
        }
    }

    public static string RandomString(Random random)
    {
        const string Pool = "abcAB z09_-éü漢字\u0000\u007f\u00ff\uffff🎉𝄞";
        var length = random.Next(4) == 0 ? random.Next(40) : random.Next(4);
        var sb = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            var c = Pool[random.Next(Pool.Length)];
            if (char.IsSurrogate(c))
            {
                // Take the whole pair, never half of one.
                var start = char.IsHighSurrogate(c) ? Pool.IndexOf(c, StringComparison.Ordinal) : Pool.IndexOf(c, StringComparison.Ordinal) - 1;
                sb.Append(Pool, start, 2);
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Data-model equality: integers compare by value whatever their CLR type, floats by bits.</summary>
    public static bool DeepEquals(object? expected, object? actual)
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null;
        }

        if (AsInteger(expected) is { } ei)
        {
            return AsInteger(actual) is { } ai && ei == ai;
        }

        switch (expected)
        {
            case bool b:
                return actual is bool ab && ab == b;
            case double or float:
                return actual is double ad && BitConverter.DoubleToInt64Bits(ad) == BitConverter.DoubleToInt64Bits(Convert.ToDouble(expected, CultureInfo.InvariantCulture));
            case string s:
                return actual is string astr && astr == s;
            case byte[] bytes:
                return actual is byte[] abytes && abytes.AsSpan().SequenceEqual(bytes);
            case Cid cid:
                return actual is Cid acid && acid == cid;
            case IDictionary map:
                if (actual is not IDictionary amap || amap.Count != map.Count)
                {
                    return false;
                }

                foreach (DictionaryEntry e in map)
                {
                    if (!amap.Contains(e.Key) || !DeepEquals(e.Value, amap[e.Key]))
                    {
                        return false;
                    }
                }

                return true;
            case IEnumerable list:
                if (actual is not IList alist)
                {
                    return false;
                }

                var items = list.Cast<object?>().ToList();
                return items.Count == alist.Count && items.Select((x, i) => DeepEquals(x, alist[i])).All(ok => ok);
            default:
                return false;
        }
    }

    public static string Describe(object? value) => value switch
    {
        null => "null",
        byte[] b => "bytes:" + Convert.ToHexString(b),
        string s => "\"" + s + "\"",
        double d => "float:" + d.ToString("R", CultureInfo.InvariantCulture),
        IDictionary m => "{" + string.Join(", ", Entries(m).Select(e => e.Key + ": " + Describe(e.Value))) + "}",
        IEnumerable l => "[" + string.Join(", ", l.Cast<object?>().Select(Describe)) + "]",
        _ => value.ToString() ?? "?",
    };

    public static void WriteTagged(Utf8JsonWriter json, object? value)
    {
        if (AsInteger(value) is { } integer)
        {
            json.WriteStartObject();
            json.WriteString("i", integer.ToString(CultureInfo.InvariantCulture));
            json.WriteEndObject();
            return;
        }

        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case double d:
                Span<byte> bits = stackalloc byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(bits, d);
                json.WriteStartObject();
                json.WriteString("f", Convert.ToHexStringLower(bits));
                json.WriteEndObject();
                break;
            case string s:
                json.WriteStartObject();
                json.WriteString("s", s);
                json.WriteEndObject();
                break;
            case byte[] bytes:
                json.WriteStartObject();
                json.WriteBase64String("b", bytes);
                json.WriteEndObject();
                break;
            case Cid cid:
                json.WriteStartObject();
                json.WriteString("c", cid.ToString());
                json.WriteEndObject();
                break;
            case IDictionary map:
                json.WriteStartObject();
                json.WriteStartArray("m");
                foreach (DictionaryEntry e in map)
                {
                    json.WriteStartArray();
                    json.WriteStringValue((string)e.Key);
                    WriteTagged(json, e.Value);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                break;
            case IEnumerable list:
                json.WriteStartObject();
                json.WriteStartArray("l");
                foreach (var item in list)
                {
                    WriteTagged(json, item);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                break;
            default:
                throw new ArgumentException("Cannot tag " + value.GetType());
        }
    }

    private static IEnumerable<DictionaryEntry> Entries(IDictionary map)
    {
        var e = map.GetEnumerator();
        while (e.MoveNext())
        {
            yield return e.Entry;
        }
    }

    private static BigInteger? AsInteger(object? value) => value switch
    {
        int i => i,
        long l => l,
        uint u => u,
        ulong ul => ul,
        short s => s,
        ushort us => us,
        byte b => b,
        sbyte sb => sb,
        BigInteger big => big,
        _ => null,
    };
}
