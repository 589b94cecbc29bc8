using System.Text.Json.Nodes;
using Cairn.Content.DagPb;
using Cairn.Content.Tests.UnixFs;
using Cairn.Multiformats;
using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Content.Tests.DagPb;

/// <summary>DAG-PB decode/encode against @ipld/dag-pb on the same bytes, and the strict decoder on malformed blocks.</summary>
public sealed class DagPbCodecTests
{
    private static readonly string Hash = "0a22" + Convert.ToHexStringLower(Cid.Compute(0, Multicodec.DagPb, [1]).Bytes);

    // Malformed blocks both we and @ipld/dag-pb reject.
    public static readonly TheoryData<string, string> BothReject = new()
    {
        { "0a", "truncated Data length" },
        { "0a05aabb", "Data length past the end" },
        { "0a000a00", "duplicate Data" },
        { "0800", "wire type 0 for Data" },
        { "1a00", "unknown PBNode field 3" },
        { "8a", "truncated key varint" },
        { "1226" + "1200" + Hash, "Name before Hash" },
        { "1248" + Hash + Hash, "duplicate Hash" },
        { "1226" + Hash + "1a00", "Tsize with wire type 2" },
        { "1226" + Hash + "2200", "unknown PBLink field 4" },
        { "1224" + Hash + "0a00" + "1224" + Hash, "Links, Data, Links" },
        { "12030a0100", "Hash that is not a CID" },
        { "1228" + Hash + "1801" + "1200", "Name after Tsize" },
    };

    // Blocks we reject as non-canonical or not UTF-8, where the JS decoder is lenient.
    public static readonly TheoryData<string, string> StricterThanJs = new()
    {
        { "0a8000", "non-minimal varint length" },
        { "1227" + Hash + "1201ff", "Name not valid UTF-8" },
        { "1202" + "1200", "link without a Hash" },
    };

    [Theory]
    [MemberData(nameof(BothReject))]
    [MemberData(nameof(StricterThanJs))]
    public void Decode_MalformedBlock_IsRejectedWithOffset(string hex, string why)
    {
        var e = Assert.Throws<CairnException>(() => DagPbCodec.Decode(Convert.FromHexString(hex)));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.True(e.Message.Contains("offset", StringComparison.Ordinal), $"{why}: {e.Message}");
        if (!why.Contains("UTF-8", StringComparison.Ordinal))
        {
            // Traversals skip names, so only a bad name passes DagPbLinks; everything structural fails there too.
            Assert.Throws<CairnException>(() => DagPbLinks.Get(Convert.FromHexString(hex)));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Decode_SameBlocksAsJs_AgreesOnLinksDataAndCanonicalBytes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var random = new System.Random(5);
        var blocks = new List<byte[]>
        {
            Array.Empty<byte>(),
            Convert.FromHexString("0a00"),
            Convert.FromHexString("0a0208011224" + Hash), // Data before Links: accepted, re-encoded canonically
            Convert.FromHexString("1224" + Hash),
            Convert.FromHexString("1226" + Hash + "1200"),
            Convert.FromHexString("1228" + Hash + "1200" + "1800"),
        };
        for (var i = 0; i < 40; i++)
        {
            blocks.Add(DagPbCodec.Encode(RandomNode(random)));
        }

        var cases = new List<JsonObject>();
        for (var i = 0; i < blocks.Count; i++)
        {
            cases.Add(new JsonObject { ["op"] = "dagpb", ["id"] = i.ToString(), ["hex"] = Convert.ToHexStringLower(blocks[i]) });
        }

        var bad = 0;
        foreach (var (hex, _) in BothReject.Select(r => ((string)r[0], (string)r[1])))
        {
            cases.Add(new JsonObject { ["op"] = "dagpb", ["id"] = "bad" + bad++, ["hex"] = hex });
        }

        var theirs = await UnixFsOracle.RunAsync(cases, cts.Token);
        for (var i = 0; i < blocks.Count; i++)
        {
            var js = theirs[i.ToString()];
            Assert.True(js["ok"]!.GetValue<bool>(), $"JS rejected block {i}: {js["error"]}");
            var node = DagPbCodec.Decode(blocks[i]);
            Assert.Equal(js["data"]?.GetValue<string>(), node.Data is { } d ? Convert.ToHexStringLower(d.Span) : null);
            var jsLinks = js["links"]!.AsArray();
            Assert.Equal(jsLinks.Count, node.Links.Count);
            for (var j = 0; j < jsLinks.Count; j++)
            {
                Assert.Equal(jsLinks[j]!["hash"]!.GetValue<string>(), node.Links[j].Hash.ToString());
                Assert.Equal(jsLinks[j]!["name"]?.GetValue<string>(), node.Links[j].Name);
                Assert.Equal(jsLinks[j]!["tsize"]?.GetValue<ulong>(), node.Links[j].Tsize);
            }

            Assert.Equal(js["reencoded"]!.GetValue<string>(), Convert.ToHexStringLower(DagPbCodec.Encode(node)));
            Assert.Equal(node.Links.Select(l => l.Hash), DagPbLinks.Get(blocks[i]));
        }

        for (var i = 0; i < bad; i++)
        {
            Assert.False(theirs["bad" + i]["ok"]!.GetValue<bool>(), $"JS accepted malformed case {i}");
        }
    }

    [Fact]
    public void EncodeDecode_RandomNodes_RoundTrip()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var node = RandomNode(new System.Random(seed));
            var bytes = DagPbCodec.Encode(node);
            var back = DagPbCodec.Decode(bytes);
            return back.Links.SequenceEqual(node.Links)
                && back.Data.HasValue == node.Data.HasValue
                && (!node.Data.HasValue || back.Data!.Value.Span.SequenceEqual(node.Data.Value.Span))
                && DagPbCodec.Encode(back).AsSpan().SequenceEqual(bytes);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Encode_UnsortedLinks_IsRejected()
    {
        var cid = Cid.Compute(1, Multicodec.Raw, [1]);
        var e = Assert.Throws<CairnException>(() => DagPbCodec.Encode(new PBNode([new PBLink(cid, "b", 1), new PBLink(cid, "a", 1)], null)));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        var sorted = DagPbCodec.SortLinks([new PBLink(cid, "b", 1), new PBLink(cid, "a", 1), new PBLink(cid, null, 1)]);
        Assert.Equal([null, "a", "b"], sorted.Select(l => l.Name));
    }

    private static PBNode RandomNode(System.Random random)
    {
        var names = new[] { null, string.Empty, "a", "README", "ü", "日本", "\U0001F600", "z z", "\uFF21" };
        var links = new List<PBLink>();
        var count = random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            var content = new byte[random.Next(0, 8)];
            random.NextBytes(content);
            var cid = random.Next(3) switch
            {
                0 => Cid.Compute(0, Multicodec.DagPb, content),
                1 => Cid.Compute(1, Multicodec.Raw, content),
                _ => Cid.Compute(1, Multicodec.DagCbor, content),
            };
            ulong? tsize = random.Next(3) switch { 0 => null, 1 => (ulong)random.Next(), _ => (ulong)random.NextInt64(long.MaxValue) & ((1UL << 53) - 1) };
            links.Add(new PBLink(cid, names[random.Next(names.Length)], tsize));
        }

        byte[]? data = null;
        if (random.Next(3) > 0)
        {
            data = new byte[random.Next(0, 40)];
            random.NextBytes(data);
        }

        return new PBNode(DagPbCodec.SortLinks(links), data);
    }
}
