using Cairn.Multiformats;
using Codec = Cairn.Content.DagCbor.DagCbor;

namespace Cairn.Content.Tests.DagCbor;

public class BlockLinksTests
{
    private static readonly Cid Target = Cid.Compute(1, Multicodec.Raw, "target"u8);

    [Fact]
    public void Get_RawBlock_HasNoLinks()
    {
        var block = Codec.Encode(Target);
        Assert.Empty(BlockLinks.Get(Cid.Compute(1, Multicodec.Raw, block), block));
    }

    [Fact]
    public void Get_DagCborBlock_ReturnsItsLinks()
    {
        var block = Codec.Encode(new Dictionary<string, object?> { ["a"] = Target, ["b"] = new List<object?> { Target } });
        Assert.Equal([Target, Target], BlockLinks.Get(Codec.ComputeCid(new Dictionary<string, object?> { ["a"] = Target, ["b"] = new List<object?> { Target } }), block));
    }

    [Fact]
    public void Get_IdentityDagCbor_ReadsTheInlinedBlock()
    {
        var inline = Codec.Encode(new List<object?> { Target });
        var cid = Cid.V1(Multicodec.DagCbor, Multihash.Compute(Multicodec.Identity, inline));
        Assert.Equal([Target], BlockLinks.Get(cid, ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Get_IdentityOfUnknownCodec_HasNoLinks()
    {
        var cid = Cid.V1(0x0300, Multihash.Compute(Multicodec.Identity, "x"u8));
        Assert.Empty(BlockLinks.Get(cid, "x"u8));
    }

    [Fact]
    public void Get_UnknownCodec_IsUnsupported()
    {
        var cid = Cid.V1(Multicodec.DagJson, Multihash.Compute(Multicodec.Sha256, "{}"u8));
        var e = Assert.Throws<CairnException>(() => BlockLinks.Get(cid, "{}"u8));
        Assert.Equal(ErrorCode.Unsupported, e.Code);
        Assert.Contains("cannot follow links in codec dag-json", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Get_CorruptDagCbor_IsInvalidInput()
    {
        var e = Assert.Throws<CairnException>(() => BlockLinks.Get(Cid.Compute(1, Multicodec.DagCbor, [0x18, 0x01]), [0x18, 0x01]));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }
}
