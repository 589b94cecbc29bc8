using Cairn.Content.Car;
using Cairn.Content.Storage;
using Cairn.Content.Tests.Storage;
using Cairn.Multiformats;

namespace Cairn.Content.Tests.Car;

public sealed class CarImportTests : IDisposable
{
    private readonly TempHome _home = new();
    private readonly (Cid Cid, byte[] Bytes) _leaf = TestBlocks.Raw("a leaf");
    private readonly (Cid Cid, byte[] Bytes) _other = TestBlocks.Raw("another leaf");
    private readonly (Cid Cid, byte[] Bytes) _root;

    public CarImportTests() => _root = TestBlocks.Node("root", _leaf.Cid, _other.Cid);

    public void Dispose() => _home.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task ExportThenImport_IntoAnotherRepo_RoundTripsAndPins()
    {
        var ct = TestTimeout.Token();
        using var source = new TempHome();
        using var car = new MemoryStream();
        using (var repo = source.Open())
        {
            await repo.Blocks.PutAsync(_leaf, ct);
            await repo.Blocks.PutAsync(_other, ct);
            await repo.Blocks.PutAsync(_root, ct);
            var exported = await CarWriter.ExportAsync([_root.Cid], repo.Blocks, car, ct);
            Assert.Equal(3, exported.Blocks);
            Assert.Equal(car.Length, exported.CarBytes);
        }

        car.Position = 0;
        using var target = _home.Open();
        var result = await CarImporter.ImportAsync(car, target, ct);

        Assert.Equal([_root.Cid], result.Roots);
        Assert.Equal(3, result.Blocks);
        Assert.True(result.Pinned);
        Assert.Equal(PinMode.Recursive, (await target.Pins.GetAsync(_root.Cid, ct))?.Mode);
        Assert.Equal(_other.Bytes, await target.Blocks.GetAsync(_other.Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Export_WritesDepthFirstPreOrderWithoutDuplicates()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        var inner = TestBlocks.Node("inner", _other.Cid, _leaf.Cid);
        var top = TestBlocks.Node("top", inner.Cid, _leaf.Cid, _other.Cid);
        foreach (var b in new[] { _leaf, _other, inner, top })
        {
            await repo.Blocks.PutAsync(b, ct);
        }

        using var car = new MemoryStream();
        await CarWriter.ExportAsync([top.Cid, _leaf.Cid], repo.Blocks, car, ct);

        var expected = new CarBuilder().Header(top.Cid, _leaf.Cid);
        expected.Section(top.Cid, top.Bytes);
        expected.Section(inner.Cid, inner.Bytes);
        expected.Section(_other.Cid, _other.Bytes);
        expected.Section(_leaf.Cid, _leaf.Bytes);
        Assert.Equal(expected.ToArray(), car.ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Export_MissingBlock_ThrowsNotFoundNamingIt()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        await repo.Blocks.PutAsync(_root, ct);
        await repo.Blocks.PutAsync(_leaf, ct);
        using var car = new MemoryStream();

        var e = await Assert.ThrowsAsync<CairnException>(() => CarWriter.ExportAsync([_root.Cid], repo.Blocks, car, ct));

        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains(_other.Cid.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Import_PinFalse_StoresWithoutPinning()
    {
        var ct = TestTimeout.Token();
        var car = Valid(out _);
        using var repo = _home.Open();

        var result = await CarImporter.ImportAsync(new MemoryStream(car), repo, pin: false, ct);

        Assert.False(result.Pinned);
        Assert.Null(await repo.Pins.GetAsync(_root.Cid, ct));
        Assert.True(await repo.Blocks.HasAsync(_leaf.Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Import_DuplicateSections_AreAccepted()
    {
        var ct = TestTimeout.Token();
        var car = new CarBuilder().Header(_root.Cid);
        car.Section(_root.Cid, _root.Bytes);
        car.Section(_leaf.Cid, _leaf.Bytes);
        car.Section(_leaf.Cid, _leaf.Bytes);
        car.Section(_other.Cid, _other.Bytes);
        using var repo = _home.Open();

        var result = await CarImporter.ImportAsync(new MemoryStream(car.ToArray()), repo, ct);

        Assert.Equal(4, result.Blocks);
        Assert.True(result.Pinned);
    }

    public static TheoryData<string> BadCars => new()
    {
        "empty", "truncated header length", "bad header varint", "header length 0", "header too big", "truncated header",
        "header not a map", "header not dag-cbor", "header without roots", "section length 0", "section too big",
        "truncated section varint", "bad section varint", "truncated section", "bad section cid", "hash mismatch",
        "root missing", "incomplete dag",
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(BadCars))]
    public async Task Import_BadCar_IsRejectedWithOffsetAndPinsNothing(string kind)
    {
        var ct = TestTimeout.Token();
        var (car, offset, code, reason) = Bad(kind);
        using var repo = _home.Open();

        var e = await Assert.ThrowsAsync<CairnException>(() => CarImporter.ImportAsync(new MemoryStream(car), repo, ct));

        Assert.Equal(code, e.Code);
        if (offset is not null)
        {
            Assert.Contains($"byte offset {offset}:", e.Message, StringComparison.Ordinal);
        }

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        await AssertNothingPinnedAndGcRemovesAllAsync(repo, ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Import_CarV2_IsUnsupported()
    {
        var ct = TestTimeout.Token();
        var car = new CarBuilder().Bytes(0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02).Bytes(new byte[40]).ToArray();
        using var repo = _home.Open();

        var e = await Assert.ThrowsAsync<CairnException>(() => CarImporter.ImportAsync(new MemoryStream(car), repo, ct));

        Assert.Equal(ErrorCode.Unsupported, e.Code);
        Assert.Contains("CARv2", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Import_Version3_IsUnsupported()
    {
        var ct = TestTimeout.Token();
        var header = Cairn.Content.DagCbor.DagCbor.Encode(new Dictionary<string, object?> { ["roots"] = new[] { _leaf.Cid }, ["version"] = 3L });
        var car = new CarBuilder().RawHeader(header);
        car.Section(_leaf.Cid, _leaf.Bytes);
        using var repo = _home.Open();

        var e = await Assert.ThrowsAsync<CairnException>(() => CarImporter.ImportAsync(new MemoryStream(car.ToArray()), repo, ct));

        Assert.Equal(ErrorCode.Unsupported, e.Code);
        Assert.Contains("byte offset 1: the header's version is 3", e.Message, StringComparison.Ordinal);
        await AssertNothingPinnedAndGcRemovesAllAsync(repo, ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Import_FromANonSeekableStreamInSmallReads_Works()
    {
        var ct = TestTimeout.Token();
        var big = new byte[300_000];
        new Random(7).NextBytes(big);
        var bigCid = Cid.Compute(1, Multicodec.Raw, big);
        var root = TestBlocks.Node("big", bigCid, _leaf.Cid);
        var car = new CarBuilder().Header(root.Cid);
        car.Section(root.Cid, root.Bytes);
        car.Section(bigCid, big);
        car.Section(_leaf.Cid, _leaf.Bytes);
        using var repo = _home.Open();

        var result = await CarImporter.ImportAsync(new TricklingStream(car.ToArray()), repo, ct);

        Assert.Equal(3, result.Blocks);
        Assert.Equal(big, await repo.Blocks.GetAsync(bigCid, ct));
    }

    private byte[] Valid(out long[] offsets)
    {
        var car = new CarBuilder().Header(_root.Cid);
        offsets = [car.Section(_root.Cid, _root.Bytes), car.Section(_leaf.Cid, _leaf.Bytes), car.Section(_other.Cid, _other.Bytes)];
        return car.ToArray();
    }

    private (byte[] Car, long? Offset, ErrorCode Code, string Reason) Bad(string kind)
    {
        var header = Content.Car.CarHeader.EncodeV1([_root.Cid]);
        var headerEnd = 1 + header.Length; // the header length fits one varint byte
        var valid = Valid(out var offsets);
        CarBuilder WithHeader() => new CarBuilder().Header(_root.Cid);
        switch (kind)
        {
            case "empty":
                return ([], 0, ErrorCode.InvalidInput, "empty");
            case "truncated header length":
                return ([0x80], 0, ErrorCode.InvalidInput, "truncated inside the header length varint");
            case "bad header varint":
                return ([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 0, ErrorCode.InvalidInput, "bad header length varint");
            case "header length 0":
                return ([0x00], 0, ErrorCode.InvalidInput, "header length is 0");
            case "header too big":
                return (new CarBuilder().Varint(64 * 1024 * 1024).Bytes(1, 2, 3).ToArray(), 0, ErrorCode.InvalidInput, "more than");
            case "truncated header":
                return (valid[..(headerEnd - 4)], 0, ErrorCode.InvalidInput, "truncated");
            case "header not a map":
                return (new CarBuilder().RawHeader(Cairn.Content.DagCbor.DagCbor.Encode(new object?[] { 1L, 2L })).ToArray(), 1, ErrorCode.InvalidInput, "not a DAG-CBOR map");
            case "header not dag-cbor":
                return (new CarBuilder().RawHeader([0xa2, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x01, 0x65, 0x72, 0x6f, 0x6f, 0x74, 0x73, 0x80]).ToArray(), 1, ErrorCode.InvalidInput, "not valid DAG-CBOR");
            case "header without roots":
                return (new CarBuilder().RawHeader(Cairn.Content.DagCbor.DagCbor.Encode(new Dictionary<string, object?> { ["version"] = 1L })).ToArray(), 1, ErrorCode.InvalidInput, "no roots");
            case "section length 0":
                return (WithHeader().Varint(0).ToArray(), headerEnd, ErrorCode.InvalidInput, "length 0");
            case "section too big":
                return (WithHeader().Varint(CarImporter.MaxSectionLength + 1).Bytes(new byte[100]).ToArray(), headerEnd, ErrorCode.InvalidInput, "more than the");
            case "truncated section varint":
            {
                var car = WithHeader();
                var at = car.Section(_leaf.Cid, _leaf.Bytes);
                var second = car.Length;
                return (car.Bytes(0x80).ToArray(), second, ErrorCode.InvalidInput, "truncated inside the section length varint");
            }

            case "bad section varint":
                return (WithHeader().Bytes(0x80, 0x00).ToArray(), headerEnd, ErrorCode.InvalidInput, "bad section length varint");
            case "truncated section":
                return (valid[..^3], offsets[2], ErrorCode.InvalidInput, "truncated");
            case "bad section cid":
            {
                var car = WithHeader().Varint(10).Bytes(0x01, 0x55, 0x12, 0x20, 1, 2, 3, 4, 5, 6);
                return (car.ToArray(), headerEnd + 1, ErrorCode.InvalidInput, "CID is invalid");
            }

            case "hash mismatch":
            {
                var car = (byte[])valid.Clone();
                car[^1] ^= 1; // the last byte of the last block
                return (car, offsets[2], ErrorCode.IntegrityViolation, $"block {_other.Cid} does not hash to its CID");
            }

            case "root missing":
            {
                var car = WithHeader();
                car.Section(_leaf.Cid, _leaf.Bytes);
                car.Section(_other.Cid, _other.Bytes);
                return (car.ToArray(), car.Length, ErrorCode.InvalidInput, $"root {_root.Cid} named by the header is not in the file");
            }

            case "incomplete dag":
            {
                var car = WithHeader();
                car.Section(_root.Cid, _root.Bytes);
                car.Section(_leaf.Cid, _leaf.Bytes);
                return (car.ToArray(), null, ErrorCode.NotFound, _other.Cid.ToString());
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static async Task AssertNothingPinnedAndGcRemovesAllAsync(ContentRepo repo, CancellationToken ct)
    {
        await foreach (var pin in repo.Pins.ListAsync(ct))
        {
            Assert.Fail($"{pin.Cid} stayed pinned");
        }

        // What the rejected file stored is unpinned, so the next gc takes it all.
        await repo.CollectGarbageAsync(ct);
        Assert.Empty(await repo.FileStore.StoredKeysAsync(ct));
    }

    /// <summary>A forward-only stream that returns at most 7 bytes a read, to exercise buffering across boundaries.</summary>
    private sealed class TricklingStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 7), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
