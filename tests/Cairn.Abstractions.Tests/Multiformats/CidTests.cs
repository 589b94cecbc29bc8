using Cairn.Multiformats;

namespace Cairn.Abstractions.Tests.Multiformats;

public class CidTests
{
    [Fact]
    public void Parse_V0String_RoundTripsAndConvertsToV1()
    {
        // The empty UnixFS directory, as kubo names it.
        var cid = Cid.Parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
        Assert.Equal(0, cid.Version);
        Assert.Equal(Multicodec.DagPb, cid.Codec);
        Assert.Equal("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", cid.ToString());
        Assert.Equal("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354", cid.ToV1().ToString());
        Assert.Equal(cid, cid.ToV1().ToV0());
    }

    [Theory]
    [InlineData("", "too short")]
    [InlineData("Qm", "too short")]
    [InlineData("xyz", "prefix")]
    [InlineData("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf35", "")]
    [InlineData("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf3541", "")]
    [InlineData("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3N0", "alphabet")]
    public void Parse_Malformed_ThrowsWithReason(string text, string reason)
    {
        if (text.Length == 0)
        {
            Assert.False(Cid.TryParse(text, out _));
            return;
        }

        var e = Assert.Throws<CairnException>(() => Cid.Parse(text));
        Assert.Contains("Invalid CID", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.NotNull(e.Hint);
    }

    [Theory]
    [InlineData(MultibaseEncoding.Base32Lower, 'b')]
    [InlineData(MultibaseEncoding.Base32Upper, 'B')]
    [InlineData(MultibaseEncoding.Base58Btc, 'z')]
    [InlineData(MultibaseEncoding.Base16Lower, 'f')]
    public void Parse_V1InEveryMultibase_IsTheSameCid(MultibaseEncoding encoding, char prefix)
    {
        var cid = Cid.Compute(1, Multicodec.DagCbor, "multibase"u8);
        var text = cid.ToString(encoding);
        Assert.Equal(prefix, text[0]);
        Assert.Equal(cid, Cid.Parse(text));
    }

    [Theory]
    [InlineData("f01711220abc", "odd number")]
    [InlineData("f01711220zz", "base16")]
    public void Parse_BadBase16_ThrowsWithReason(string text, string reason)
    {
        var e = Assert.Throws<CairnException>(() => Cid.Parse(text));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
