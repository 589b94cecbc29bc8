using System.Numerics;
using System.Text;
using Cairn.Content.DagCbor;
using Cairn.Multiformats;
using FsCheck;
using FsCheck.Fluent;
using Codec = Cairn.Content.DagCbor.DagCbor;

namespace Cairn.Content.Tests.DagCbor;

public class DagCborPropertyTests
{
    private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(500);

    [Fact]
    public void EncodeDecode_ArbitraryValue_RoundTripsToSameValueAndBytes()
    {
        Check.One(Many, Prop.ForAll(Values.ToArbitrary(), value =>
        {
            var bytes = Codec.Encode(value);
            var decoded = Codec.Decode(bytes);
            return DagCborSamples.DeepEquals(value, decoded) && Codec.Encode(decoded).AsSpan().SequenceEqual(bytes);
        }));
    }

    [Fact]
    public void Decode_MutatedValidEncoding_IsRejectedOrReencodesIdentically()
    {
        var gen = Values.SelectMany(v => Gen.Choose(0, int.MaxValue).SelectMany(pos =>
            Gen.Choose(0, 255).SelectMany(b => Gen.Choose(0, 3).Select(kind => (v, pos, b, kind)))));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var bytes = Codec.Encode(t.v).ToList();
            var at = t.pos % bytes.Count;
            switch (t.kind)
            {
                case 0:
                    bytes[at] = (byte)t.b;
                    break;
                case 1:
                    bytes[at] ^= (byte)(1 << (t.b % 8));
                    break;
                case 2:
                    bytes.Insert(at, (byte)t.b);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }

            return AcceptedOnlyIfCanonical([.. bytes]);
        }));
    }

    [Fact]
    public void Decode_RandomBytes_IsRejectedOrReencodesIdentically()
    {
        var gen = Gen.Choose(0, 24).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), n));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(5000), Prop.ForAll(gen.ToArbitrary(), AcceptedOnlyIfCanonical));
    }

    [Fact]
    public void Links_ArbitraryValue_AreTheCidsOfTheDecodedTreeInOrder()
    {
        Check.One(Many, Prop.ForAll(Values.ToArbitrary(), value =>
        {
            var bytes = Codec.Encode(value);
            var expected = new List<Cid>();
            Collect(Codec.Decode(bytes), expected);
            return Codec.Links(bytes).SequenceEqual(expected);
        }));
    }

    [Fact]
    public void KeyComparer_ArbitraryKeys_OrdersByUtf8LengthThenBytes()
    {
        Check.One(Many, Prop.ForAll(Gen.ListOf(Strings).ToArbitrary(), keys =>
        {
            var sorted = keys.Order(DagCborKeyComparer.Instance).Select(Encoding.UTF8.GetBytes).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                var (a, b) = (sorted[i - 1], sorted[i]);
                if (a.Length > b.Length || (a.Length == b.Length && a.AsSpan().SequenceCompareTo(b) > 0))
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Fact]
    public void Writer_KeysSortedWithComparer_MatchesEncode()
    {
        var entries = Gen.ListOf(Strings.SelectMany(k => Leaf.Select(v => (k, v))));
        Check.One(Many, Prop.ForAll(entries.ToArbitrary(), list =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var (k, v) in list)
            {
                map[k] = v;
            }

            var writer = new DagCborWriter();
            writer.WriteStartMap(map.Count);
            foreach (var key in map.Keys.Order(DagCborKeyComparer.Instance))
            {
                writer.WriteString(key);
                Codec.Write(writer, map[key]);
            }

            return writer.ToArray().AsSpan().SequenceEqual(Codec.Encode(map));
        }));
    }

    private static bool AcceptedOnlyIfCanonical(byte[] bytes)
    {
        object? decoded;
        try
        {
            decoded = Codec.Decode(bytes);
        }
        catch (CairnException e) when (e.Code == ErrorCode.InvalidInput && e.Message.StartsWith("Invalid DAG-CBOR at byte ", StringComparison.Ordinal))
        {
            return true;
        }

        // Accepted: then these bytes must be the one canonical encoding of what they decode to.
        return Codec.Encode(decoded).AsSpan().SequenceEqual(bytes);
    }

    private static void Collect(object? value, List<Cid> links)
    {
        switch (value)
        {
            case Cid cid:
                links.Add(cid);
                break;
            case Dictionary<string, object?> map:
                foreach (var v in map.Values)
                {
                    Collect(v, links);
                }

                break;
            case List<object?> list:
                foreach (var v in list)
                {
                    Collect(v, links);
                }

                break;
        }
    }

    private static Gen<string> Strings { get; } = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && IsWellFormed(s)),
        Gen.Elements("", "a", "b", "aa", "ab", "é", "漢", "🎉", "\u007f", "\u0080", "\uffff", "\U00010000", "\uE000"));

    private static Gen<object?> Leaf { get; } = Gen.OneOf(
        Gen.Constant<object?>(null),
        ArbMap.Default.GeneratorFor<bool>().Select(b => (object?)b),
        ArbMap.Default.GeneratorFor<long>().Select(l => (object?)l),
        ArbMap.Default.GeneratorFor<ulong>().Select(l => (object?)l),
        Gen.Choose(-70000, 70000).Select(i => (object?)i),
        Gen.Elements(0, 23, 24, 255, 256, 65535, 65536, uint.MaxValue, (BigInteger)uint.MaxValue + 1, long.MaxValue, (BigInteger)long.MaxValue + 1,
            ulong.MaxValue, -1, -24, -25, -256, -257, long.MinValue, (BigInteger)long.MinValue - 1, Codec.MinInteger).Select(i => (object?)i),
        ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(d => (object?)d),
        Gen.Choose(int.MinValue, int.MaxValue).SelectMany(hi => Gen.Choose(int.MinValue, int.MaxValue).Select(lo => BitConverter.Int64BitsToDouble(((long)hi << 32) | (uint)lo)))
            .Where(double.IsFinite).Select(d => (object?)d),
        Strings.Select(s => (object?)s),
        ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null).Select(b => (object?)b),
        Gen.Choose(0, 1000).Select(i => (object?)(i % 3 == 0
            ? Cid.Compute(0, Multicodec.DagPb, BitConverter.GetBytes(i))
            : Cid.Compute(1, i % 3 == 1 ? Multicodec.Raw : Multicodec.DagCbor, BitConverter.GetBytes(i)))));

    private static Gen<object?> Values { get; } = Gen.Sized(size => Tree(Math.Min(size, 40)));

    private static Gen<object?> Tree(int size)
    {
        if (size <= 1)
        {
            return Leaf;
        }

        var child = Gen.Sized(Tree).Resize(size / 3);
        var list = Gen.ListOf(child).Select(l => (object?)l.ToList());
        var map = Gen.ListOf(Strings.SelectMany(k => child.Select(v => (k, v))))
            .Select(entries =>
            {
                var m = new Dictionary<string, object?>();
                foreach (var (k, v) in entries)
                {
                    m[k] = v;
                }

                return (object?)m;
            });
        return Gen.Frequency((3, Leaf), (1, list), (1, map));
    }

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }
}
