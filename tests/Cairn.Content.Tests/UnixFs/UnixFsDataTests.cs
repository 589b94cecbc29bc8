using Cairn.Content.UnixFs;

namespace Cairn.Content.Tests.UnixFs;

/// <summary>The UnixFS Data message: JS-identical field presence and a decoder that refuses to misread.</summary>
public sealed class UnixFsDataTests
{
    [Fact]
    public void Encode_Directory_IsTypeOnly()
        => Assert.Equal(Convert.FromHexString("0801"), new UnixFsData { Type = UnixFsType.Directory }.Encode());

    [Fact]
    public void Encode_EmptyFile_WritesZeroFileSizeAndNoData()
        => Assert.Equal(Convert.FromHexString("08021800"), UnixFsData.ForFile([], ReadOnlyMemory<byte>.Empty).Encode());

    [Fact]
    public void EncodeDecode_FileWithEverything_RoundTrips()
    {
        var data = new UnixFsData
        {
            Type = UnixFsType.File,
            Data = new byte[] { 1, 2, 3 },
            FileSize = 303,
            BlockSizes = [100, 200],
            Mode = 0x1ED,
            Mtime = new UnixFsTime(1_700_000_000, 5),
        };
        var back = UnixFsData.Decode(data.Encode());
        Assert.Equal(UnixFsType.File, back.Type);
        Assert.Equal(new byte[] { 1, 2, 3 }, back.Data!.Value.ToArray());
        Assert.Equal(303UL, back.FileSize);
        Assert.Equal([100UL, 200UL], back.BlockSizes);
        Assert.Equal(0x1EDU, back.Mode);
        Assert.Equal(new UnixFsTime(1_700_000_000, 5), back.Mtime);
        Assert.Equal(data.Encode(), back.Encode());
    }

    [Theory]
    [InlineData("0806", "unknown type")]
    [InlineData("12020102" + "0801", "type after data is fine but this has wrong wire type next")]
    [InlineData("0a00", "type with wire type 2")]
    [InlineData("08020802", "duplicate type")]
    [InlineData("0802180118", "truncated filesize")]
    [InlineData("08022201", "packed blocksizes (wrong wire type)")]
    [InlineData("0802120501", "data length past the end")]
    public void Decode_Malformed_IsRejected(string hex, string why)
    {
        if (why.StartsWith("type after", StringComparison.Ordinal))
        {
            // Field order is free in protobuf: this one is valid.
            Assert.Equal(UnixFsType.Directory, UnixFsData.Decode(Convert.FromHexString(hex)).Type);
            return;
        }

        var e = Assert.Throws<CairnException>(() => UnixFsData.Decode(Convert.FromHexString(hex)));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }

    [Fact]
    public void Decode_UnknownField_IsSkipped()
        => Assert.Equal(UnixFsType.File, UnixFsData.Decode(Convert.FromHexString("0802" + "5005")).Type);
}
