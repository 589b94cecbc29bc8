using System.Text.Json;
using Cairn.Multiformats;
using Cairn.Tests.Shared;
using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Abstractions.Tests.Multiformats;

public class CidPropertyTests
{
    private static readonly Gen<Cid> Cids =
        from block in ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null)
        from kind in Gen.Choose(0, 5)
        select kind switch
        {
            0 => Cid.Compute(0, Multicodec.DagPb, block),
            1 => Cid.Compute(1, Multicodec.Raw, block),
            2 => Cid.Compute(1, Multicodec.DagCbor, block),
            3 => Cid.V1(Multicodec.DagPb, Multihash.Compute(Multicodec.Sha512, block)),
            4 => Cid.V1(Multicodec.Raw, Multihash.Compute(Multicodec.Identity, block.Take(Multihash.MaxIdentityLength).ToArray())),
            _ => Cid.V1(0x0129, Multihash.Compute(Multicodec.Sha256, block)),
        };

    [Fact]
    public void ToStringParse_AnyCid_RoundTrips()
    {
        Prop.ForAll(Cids.ToArbitrary(), cid =>
        {
            var parsed = Cid.Parse(cid.ToString());
            return parsed == cid && parsed.Version == cid.Version && parsed.Codec == cid.Codec && parsed.HashCode == cid.HashCode
                && (cid.Version == 0 || Cid.Parse(cid.ToString(MultibaseEncoding.Base58Btc)) == cid)
                && (cid.Version == 0 || Cid.Parse(cid.ToString(MultibaseEncoding.Base32Upper)) == cid)
                && (cid.Version == 0 || Cid.Parse(cid.ToString(MultibaseEncoding.Base16Lower)) == cid);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void FromBytesAndRead_AnyCid_RoundTripWithLength()
    {
        Prop.ForAll(Cids.ToArbitrary(), ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null).ToArbitrary(), (cid, tail) =>
        {
            var bytes = cid.ToArray();
            var read = Cid.Read([.. bytes, .. tail], out var length);
            return Cid.FromBytes(bytes) == cid && read == cid && length == bytes.Length && cid.Multihash.Length + (cid.Version == 0 ? 0 : bytes.Length - cid.Multihash.Length) == bytes.Length;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void FromBytes_AnyStrictPrefix_IsRejected()
    {
        Prop.ForAll(Cids.ToArbitrary(), cid =>
        {
            var bytes = cid.ToArray();
            for (var n = 0; n < bytes.Length; n++)
            {
                var e = Assert.Throws<CairnException>(() => Cid.FromBytes(bytes.AsSpan(0, n)));
                Assert.Equal(ErrorCode.InvalidInput, e.Code);
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ToV1ToV0_DagPbSha256_RoundTrips()
    {
        Prop.ForAll(ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null).ToArbitrary(), block =>
        {
            var v0 = Cid.Compute(0, Multicodec.DagPb, block);
            var v1 = v0.ToV1();
            return v1.Version == 1 && v1.ToV0() == v0 && v1.Multihash.SequenceEqual(v0.Multihash) && v1.Verifies(block) && v0.Verifies(block);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("zQmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", "")]
    [InlineData("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf35", "")]
    [InlineData("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nnn", "46 characters")]
    [InlineData("bafyreiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354a", "")]
    [InlineData("f01", "truncated")]
    [InlineData("f0271", "unknown version 2")]
    [InlineData("f00", "unknown version 0")]
    [InlineData("f017112", "truncated")]
    [InlineData("f01f10012200000000000000000000000000000000000000000000000000000000000000000", "minimal")]
    [InlineData("f01711210" + "00000000000000000000000000000000", "32 bytes")]
    [InlineData("f0171122000", "only 1 bytes follow")]
    [InlineData("f01711220000000000000000000000000000000000000000000000000000000000000000000", "unexpected bytes")]
    [InlineData("f1220" + "0000000000000000000000000000000000000000000000000000000000000000", "bare base58btc")]
    [InlineData("Bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354", "alphabet")]
    [InlineData("x123", "prefix")]
    public void Parse_BadInput_IsRejectedWithReason(string text, string reason)
    {
        var e = Assert.Throws<CairnException>(() => Cid.Parse(text));
        Assert.Contains("Invalid CID", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.False(Cid.TryParse(text, out _));
    }

    [Fact]
    public void V0_NonSha256_IsRejected()
    {
        Assert.Throws<CairnException>(() => Cid.V0(Multihash.Compute(Multicodec.Sha512, "x"u8)));
        Assert.Throws<CairnException>(() => Cid.Compute(0, Multicodec.Raw, "x"u8));
        Assert.Throws<CairnException>(() => Cid.Compute(1, Multicodec.Raw, "x"u8).ToV0());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Compute_UnknownVersion_IsRejected(int version)
    {
        var e = Assert.Throws<CairnException>(() => Cid.Compute(version, Multicodec.Raw, "x"u8));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task ToString_RandomCids_MatchReferenceMultiformats()
    {
        var cids = Cids.Sample(50, 200).ToList();
        var stdin = JsonSerializer.SerializeToUtf8Bytes(new { bytes = Array.Empty<string>(), cids = cids.Select(c => Convert.ToHexString(c.ToArray())) });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var output = await NodeOracle.RunAsync("dagcbor-multiformats-oracle.mjs", [], timeout.Token, stdin);
        using var doc = JsonDocument.Parse(output);
        var reference = doc.RootElement.GetProperty("cids").EnumerateArray().ToList();
        Assert.Equal(cids.Count, reference.Count);
        for (var i = 0; i < cids.Count; i++)
        {
            Assert.Equal(reference[i].GetProperty("string").GetString(), cids[i].ToString());
            Assert.Equal(reference[i].GetProperty("v1").GetString(), cids[i].ToV1().ToString());
            Assert.Equal(cids[i], Cid.Parse(reference[i].GetProperty("string").GetString()!));
        }
    }
}
