using System.Numerics;
using Cairn.Content.DagCbor;
using Cairn.Multiformats;
using Codec = Cairn.Content.DagCbor.DagCbor;

namespace Cairn.Content.Tests.DagCbor;

public class DagCborRoundTripTests
{
    public static TheoryData<string> EdgeCaseNames => new(DagCborSamples.EdgeCases().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(EdgeCaseNames))]
    public void EncodeDecode_EdgeCase_RoundTripsToEqualValueAndSameBytes(string name)
    {
        var value = DagCborSamples.EdgeCases().Single(c => c.Name == name).Value;
        var bytes = Codec.Encode(value);
        var decoded = Codec.Decode(bytes);
        Assert.True(DagCborSamples.DeepEquals(value, decoded), $"{name}: decoded {DagCborSamples.Describe(decoded)}");
        Assert.Equal(bytes, Codec.Encode(decoded));
    }

    [Fact]
    public void Decode_Integers_ReturnNarrowestClrType()
    {
        Assert.IsType<long>(Decode(Enc(5)));
        Assert.Equal(long.MaxValue, Decode(Enc(long.MaxValue)));
        Assert.Equal(long.MinValue, Decode(Enc(long.MinValue)));
        Assert.Equal(ulong.MaxValue, Decode(Enc(ulong.MaxValue)));
        Assert.Equal((ulong)long.MaxValue + 1, Decode(Enc((ulong)long.MaxValue + 1)));
        Assert.Equal((BigInteger)long.MinValue - 1, Decode(Enc((BigInteger)long.MinValue - 1)));
        Assert.Equal(Codec.MinInteger, Decode(Enc(Codec.MinInteger)));
    }

    [Fact]
    public void Encode_Map_SortsKeysLengthFirstThenBytewise()
    {
        var map = new Dictionary<string, object?> { ["bb"] = 1, ["a"] = 2, ["é"] = 3, ["b"] = 4, ["aaa"] = 5, ["ab"] = 6 };
        var decoded = (Dictionary<string, object?>)Decode(Enc(map))!;
        Assert.Equal(["a", "b", "ab", "bb", "é", "aaa"], decoded.Keys);
    }

    [Fact]
    public void KeyComparer_AstralVersusBmpPrivateUse_OrdersByUtf8Bytes()
    {
        // U+10000 is F0 90 80 80 (4 bytes) while U+FFFD is EF BF BD (3 bytes): UTF-16 ordinal order would put
        // the surrogate pair (D800...) first, canonical order puts the shorter UTF-8 first.
        Assert.True(DagCborKeyComparer.Instance.Compare("\uFFFD", "\U00010000") < 0);
        Assert.True(DagCborKeyComparer.Instance.Compare("\uE000a", "\U00010000") > 0 == (DagCborKeyComparer.CompareUtf8("\uE000a"u8, "\U00010000"u8) > 0));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Encode_NonFiniteFloat_IsRejected(double value)
    {
        var e = Assert.Throws<CairnException>(() => Enc(value));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
    }

    [Fact]
    public void Encode_UnsupportedValues_AreRejected()
    {
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => Enc(12.5m)).Code);
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => Enc(new object())).Code);
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => Enc(new Dictionary<int, object?> { [1] = 2 })).Code);
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => Enc(BigInteger.One << 64)).Code);
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => Enc(Codec.MinInteger - 1)).Code);
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => Enc("\uD800")).Code);
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => Enc(new Dictionary<string, object?> { ["\uDC00"] = 1 })).Code);
    }

    [Fact]
    public void Encode_AfterAFailedEncode_StartsClean()
    {
        var good = new Dictionary<string, object?> { ["a"] = new List<object?> { 1, 2 }, ["b"] = "x" };
        var expected = Enc(good);
        Assert.Throws<CairnException>(() => Enc(new Dictionary<string, object?> { ["a"] = new List<object?> { 1, new object() }, ["b"] = "x" }));
        Assert.Equal(expected, Enc(good));
        Assert.Equal(good.Count, ((Dictionary<string, object?>)Decode(expected)!).Count);
    }

    [Fact]
    public void Encode_FromManyThreads_GivesIdenticalBytes()
    {
        var value = DagCborSamples.LedgerLike(9);
        var expected = Enc(value);
        Parallel.For(0, 64, _ => Assert.Equal(expected, Enc(value)));
    }

    [Fact]
    public void Encode_SelfContainingList_IsRejectedNotStackOverflow()
    {
        var list = new List<object?>();
        list.Add(list);
        var e = Assert.Throws<CairnException>(() => Enc(list));
        Assert.Contains("deeper", e.Message);
    }

    [Fact]
    public void ComputeCid_IsCidV1DagCborSha256OfEncoding()
    {
        var value = new Dictionary<string, object?> { ["hello"] = "world" };
        var cid = Codec.ComputeCid(value);
        Assert.Equal(1, cid.Version);
        Assert.Equal(Multicodec.DagCbor, cid.Codec);
        Assert.Equal(Multicodec.Sha256, cid.HashCode);
        Assert.True(cid.Verifies(Enc(value)));
    }

    [Fact]
    public void Links_ReturnsEveryCidInDocumentOrder()
    {
        var a = Cid.Compute(1, Multicodec.Raw, "a"u8);
        var b = Cid.Compute(0, Multicodec.DagPb, "b"u8);
        var value = new Dictionary<string, object?>
        {
            ["z"] = new List<object?> { a, 1, new Dictionary<string, object?> { ["x"] = b } },
            ["aa"] = a,
            ["b"] = "not a link",
        };
        var links = Codec.Links(Enc(value));
        // Keys in canonical order: "b", "z", "aa".
        Assert.Equal([a, b, a], links);
        Assert.Empty(Codec.Links(Enc(new List<object?> { 1, "x", null })));
    }

    [Fact]
    public void Writer_TypedCalls_ProduceSameBytesAsEncode()
    {
        var cid = Cid.Compute(1, Multicodec.Raw, "x"u8);
        var writer = new DagCborWriter();
        writer.WriteStartMap(4);
        writer.WriteString("n");
        writer.WriteInt64(-300);
        writer.WriteString("id");
        writer.WriteCid(cid);
        writer.WriteString("ok");
        writer.WriteBool(true);
        writer.WriteString("list");
        writer.WriteStartArray(3);
        writer.WriteDouble(1.5);
        writer.WriteBytes([1, 2]);
        writer.WriteNull();
        var expected = Enc(new Dictionary<string, object?>
        {
            ["list"] = new object?[] { 1.5, new byte[] { 1, 2 }, null },
            ["ok"] = true,
            ["id"] = cid,
            ["n"] = -300,
        });
        Assert.Equal(expected, writer.ToArray());
    }

    [Fact]
    public void Writer_KeysOutOfOrderOrRepeated_AreRejected()
    {
        var writer = new DagCborWriter();
        writer.WriteStartMap(2);
        writer.WriteString("ab");
        writer.WriteInt64(1);
        Assert.Contains("canonical order", Assert.Throws<CairnException>(() => writer.WriteString("b")).Message);

        writer = new DagCborWriter();
        writer.WriteStartMap(2);
        writer.WriteString("a");
        writer.WriteInt64(1);
        Assert.Contains("Duplicate", Assert.Throws<CairnException>(() => writer.WriteString("a")).Message);

        writer = new DagCborWriter();
        writer.WriteStartMap(1);
        Assert.Throws<CairnException>(() => writer.WriteInt64(1));
    }

    [Fact]
    public void Writer_IncompleteOrExtraItems_AreRejected()
    {
        var writer = new DagCborWriter();
        writer.WriteStartArray(2);
        writer.WriteInt64(1);
        Assert.Contains("incomplete", Assert.Throws<CairnException>(writer.ToArray).Message);
        writer.WriteInt64(2);
        Assert.Equal(Enc(new[] { 1, 2 }), writer.ToArray());
        Assert.Throws<CairnException>(() => writer.WriteInt64(3));
    }

    [Fact]
    public void Writer_OverCallersBuffer_AppendsAndMixesWithObjectValues()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        System.Buffers.BuffersExtensions.Write(buffer, new byte[] { 0xAA });
        var writer = new DagCborWriter(buffer);
        writer.WriteStartMap(2);
        writer.WriteString("a");
        Codec.Write(writer, new Dictionary<string, object?> { ["y"] = 1, ["x"] = new List<object?> { 2 } });
        writer.WriteString("b");
        writer.WriteNull();
        Assert.True(writer.IsComplete);
        Assert.Throws<InvalidOperationException>(writer.ToArray);
        var expected = Enc(new Dictionary<string, object?> { ["b"] = null, ["a"] = new Dictionary<string, object?> { ["x"] = new List<object?> { 2 }, ["y"] = 1 } });
        Assert.Equal([0xAA, .. expected], buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Writer_Reset_StartsOver()
    {
        var writer = new DagCborWriter();
        writer.WriteStartMap(1);
        writer.WriteString("k");
        writer.Reset();
        writer.WriteStartMap(1);
        writer.WriteString("a");
        writer.WriteBool(false);
        Assert.Equal(Enc(new Dictionary<string, object?> { ["a"] = false }), writer.ToArray());
    }

    [Fact]
    public void Reader_TypedCalls_ReadWhatWriterWrote()
    {
        var cid = Cid.Compute(1, Multicodec.Raw, "x"u8);
        var bytes = Enc(new Dictionary<string, object?> { ["a"] = -7L, ["bb"] = new List<object?> { "s", cid, 2.25, ulong.MaxValue } });
        var reader = new DagCborReader(bytes);
        Assert.Equal(DagCborKind.Map, reader.PeekKind());
        Assert.Equal(2, reader.ReadStartMap());
        Assert.True(reader.IsAtMapKey);
        Assert.Equal("a", reader.ReadString());
        Assert.Equal(-7L, reader.ReadInt64());
        Assert.Equal("bb", reader.ReadString());
        Assert.Equal(4, reader.ReadStartArray());
        Assert.Equal("s", reader.ReadString());
        Assert.Equal(DagCborKind.Link, reader.PeekKind());
        Assert.Equal(cid, reader.ReadCid());
        Assert.Equal(2.25, reader.ReadDouble());
        Assert.False(reader.IsComplete);
        Assert.Equal(ulong.MaxValue, reader.ReadUInt64());
        Assert.True(reader.IsComplete);
        reader.ReadEnd();
    }

    [Fact]
    public void Reader_ReadCidBytes_ReturnsBinaryCidWithoutPrefix()
    {
        var v0 = Cid.Compute(0, Multicodec.DagPb, "x"u8);
        var v1 = Cid.Compute(1, Multicodec.DagCbor, "y"u8);
        var reader = new DagCborReader(Enc(new List<object?> { v0, v1 }));
        Assert.Equal(2, reader.ReadStartArray());
        Assert.Equal(v0.ToArray(), reader.ReadCidBytes().ToArray());
        Assert.Equal(v1.ToArray(), reader.ReadCidBytes().ToArray());
        reader.ReadEnd();
    }

    [Fact]
    public void Reader_DeepNesting_SpillsPastInlineFrames()
    {
        // More levels than the reader keeps inline, with maps (key order checks) at every level.
        object? value = "leaf";
        for (var i = 0; i < 100; i++)
        {
            value = new Dictionary<string, object?> { ["a"] = i, ["bb"] = value, ["c"] = new List<object?> { i } };
        }

        var bytes = Enc(value);
        Assert.Equal(bytes, Enc(Decode(bytes)));
        var reader = new DagCborReader(bytes);
        reader.Skip();
        reader.ReadEnd();
    }

    [Fact]
    public void Reader_WrongType_IsRejectedWithOffset()
    {
        var bytes = Enc(new List<object?> { "x" });
        var e = Assert.Throws<CairnException>(() =>
        {
            var reader = new DagCborReader(bytes);
            reader.ReadStartArray();
            reader.ReadInt64();
        });
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains("at byte 1", e.Message);
        Assert.Contains("expected an integer", e.Message);
    }

    private static byte[] Enc(object? value) => Codec.Encode(value);

    private static object? Decode(byte[] bytes) => Codec.Decode(bytes);
}
