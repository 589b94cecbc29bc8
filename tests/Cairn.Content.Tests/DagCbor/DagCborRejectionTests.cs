using Cairn.Content.DagCbor;
using Codec = Cairn.Content.DagCbor.DagCbor;

namespace Cairn.Content.Tests.DagCbor;

public class DagCborRejectionTests
{
    public static TheoryData<string> SampleNames => new(DagCborNonCanonical.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Decode_NonCanonical_IsRejectedWithOffsetAndReason(string name)
    {
        var sample = DagCborNonCanonical.Get(name);
        var e = Assert.Throws<CairnException>(() => Codec.Decode(sample.Bytes));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.StartsWith($"Invalid DAG-CBOR at byte {sample.Offset}: ", e.Message);
        Assert.Contains(sample.Reason, e.Message);
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Links_NonCanonical_IsRejectedLikeDecode(string name)
    {
        var sample = DagCborNonCanonical.Get(name);
        var expected = Assert.Throws<CairnException>(() => Codec.Decode(sample.Bytes)).Message;
        var e = Assert.Throws<CairnException>(() => Codec.Links(sample.Bytes));
        Assert.Equal(expected, e.Message);
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void ReaderSkip_NonCanonical_IsRejected(string name)
    {
        var sample = DagCborNonCanonical.Get(name);
        Assert.Throws<CairnException>(() =>
        {
            var reader = new DagCborReader(sample.Bytes);
            reader.Skip();
            reader.ReadEnd();
        });
    }

    [Fact]
    public void Decode_EveryPrefixOfValidEncoding_IsRejectedAsTruncated()
    {
        var bytes = Codec.Encode(DagCborSamples.LedgerLike(3));
        for (var n = 0; n < bytes.Length; n++)
        {
            var e = Assert.Throws<CairnException>(() => Codec.Decode(bytes.AsSpan(0, n)));
            Assert.Equal(ErrorCode.InvalidInput, e.Code);
            Assert.Contains(n == 0 ? "no data" : "truncated", e.Message);
            Assert.Matches(@"at byte \d+:", e.Message);
        }

        Assert.NotNull(Codec.Decode(bytes));
    }

    [Fact]
    public void Decode_NestingAtTheLimit_IsAccepted()
    {
        var bytes = Convert.FromHexString(string.Concat(Enumerable.Repeat("81", Codec.MaxDepth - 1)) + "80");
        Assert.NotNull(Codec.Decode(bytes));
        Assert.Equal(bytes, Codec.Encode(Codec.Decode(bytes)));
    }

    [Fact]
    public void Encode_NestingBeyondTheLimit_IsRejected()
    {
        Assert.NotNull(Codec.Encode(DagCborSamples.Nest(Codec.MaxDepth)));
        var e = Assert.Throws<CairnException>(() => Codec.Encode(DagCborSamples.Nest(Codec.MaxDepth + 1)));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
    }

    [Fact]
    public void Reader_CustomDepthLimit_IsEnforced()
    {
        var bytes = Codec.Encode(DagCborSamples.Nest(3));
        var e = Assert.Throws<CairnException>(() =>
        {
            var reader = new DagCborReader(bytes, maxDepth: 2);
            reader.Skip();
        });
        Assert.Contains("limit of 2", e.Message);
    }
}
