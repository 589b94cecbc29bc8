using System.Text;
using Cairn.Content.DagPb;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Tests.UnixFs;

/// <summary>The exporter on hostile, damaged and unsupported DAGs, and its path resolution and listing.</summary>
public sealed class UnixFsExporterTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("../evil")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("nul\0byte")]
    [InlineData("")]
    public async Task Export_DirectoryWithHostileName_IsRefusedAndWritesNothingOutside(string name)
    {
        using var dir = new TempDir();
        var store = new MemoryBlockStore();
        var file = await PutAsync(store, Multicodec.Raw, Encoding.UTF8.GetBytes("pwned"));
        var root = await PutDirAsync(store, [new PBLink(file, name, 5)]);
        var output = dir.Combine("out");
        var e = await Assert.ThrowsAsync<CairnException>(() => new UnixFsExporter(store).ExportAsync(root, output, CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains(root.ToString(), e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("evil")));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact(Timeout = 60_000)]
    public async Task Export_DuplicateNames_AreRefused()
    {
        using var dir = new TempDir();
        var store = new MemoryBlockStore();
        var a = await PutAsync(store, Multicodec.Raw, [1]);
        var b = await PutAsync(store, Multicodec.Raw, [2]);
        var root = await PutDirAsync(store, [new PBLink(a, "x", 1), new PBLink(b, "x", 1)]);
        var e = await Assert.ThrowsAsync<CairnException>(() => new UnixFsExporter(store).ExportAsync(root, dir.Combine("out"), CancellationToken.None));
        Assert.Contains("two entries named 'x'", e.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("../outside", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("sub/../../x", false)]
    [InlineData("dot/../outside", false)]
    [InlineData("./dot/../file", false)]
    [InlineData("file", true)]
    [InlineData("./file", true)]
    [InlineData("dot/dot/file", true)]
    public async Task Export_Symlink_CreatedOnlyWhenTargetStaysInside(string target, bool allowed)
    {
        using var dir = new TempDir();
        var store = new MemoryBlockStore();
        var file = await PutAsync(store, Multicodec.Raw, [1, 2, 3]);
        var link = await PutAsync(store, Multicodec.DagPb, DagPbCodec.Encode(new PBNode([], new UnixFsData { Type = UnixFsType.Symlink, Data = Encoding.UTF8.GetBytes(target) }.Encode())));

        // "dot" points at the output folder itself: lexically "dot/.." is inside, really it is the parent.
        var dot = await PutAsync(store, Multicodec.DagPb, DagPbCodec.Encode(new PBNode([], new UnixFsData { Type = UnixFsType.Symlink, Data = Encoding.UTF8.GetBytes(".") }.Encode())));
        var root = await PutDirAsync(store, [new PBLink(dot, "dot", 5), new PBLink(file, "file", 3), new PBLink(link, "link", 10)]);
        var output = dir.Combine("out");
        var export = new UnixFsExporter(store).ExportAsync(root, output, CancellationToken.None);
        if (allowed)
        {
            await export;
            Assert.Equal(target, new FileInfo(Path.Combine(output, "link")).LinkTarget);
        }
        else
        {
            var e = await Assert.ThrowsAsync<CairnException>(() => export);
            Assert.Equal(ErrorCode.InvalidInput, e.Code);
            Assert.False(File.Exists(Path.Combine(output, "link")) || new FileInfo(Path.Combine(output, "link")).LinkTarget is not null);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task AllReads_HamtShard_AreUnsupportedNamingTheCid()
    {
        var store = new MemoryBlockStore();
        var file = await PutAsync(store, Multicodec.Raw, [1]);
        var shardData = new UnixFsData { Type = UnixFsType.HamtShard, Data = new byte[] { 0xFF }, HashType = 0x22, Fanout = 256 }.Encode();
        var shard = await PutAsync(store, Multicodec.DagPb, DagPbCodec.Encode(new PBNode([new PBLink(file, "00file", 1)], shardData)));
        var exporter = new UnixFsExporter(store);
        using var dir = new TempDir();
        foreach (var action in new Func<Task>[]
        {
            () => exporter.WriteFileAsync(shard, Stream.Null, CancellationToken.None),
            async () => { await foreach (var _ in exporter.ListAsync(shard, CancellationToken.None)) { } },
            () => exporter.ResolvePathAsync(shard + "/file", CancellationToken.None),
            () => exporter.ExportAsync(shard, dir.Combine("out"), CancellationToken.None),
        })
        {
            var e = await Assert.ThrowsAsync<CairnException>(action);
            Assert.Equal(ErrorCode.Unsupported, e.Code);
            Assert.Contains(shard.ToString(), e.Message, StringComparison.Ordinal);
            Assert.Contains("HAMT", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task WriteFile_MissingLeaf_IsNotFoundNamingTheCid()
    {
        var store = new MemoryBlockStore();
        var root = await new UnixFsImporter(store, new ImportOptions { ChunkSize = 1000 }).ImportFileAsync(new MemoryStream(new byte[5000]), null, null, CancellationToken.None);
        var leaf = Cid.Compute(1, Multicodec.Raw, new byte[1000]);
        Assert.True(await store.DeleteAsync(leaf));
        var e = await Assert.ThrowsAsync<CairnException>(() => new UnixFsExporter(store).WriteFileAsync(root.Cid, Stream.Null, CancellationToken.None));
        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains(leaf.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task WriteFile_CorruptedBlockOnDisk_IsIntegrityViolationNamingTheCid()
    {
        using var dir = new TempDir();
        var store = new FileBlockStore(dir.Combine("blocks"));
        var data = new byte[3000];
        new Random(1).NextBytes(data);
        var root = await new UnixFsImporter(store, new ImportOptions { ChunkSize = 1000 }).ImportFileAsync(new MemoryStream(data), null, null, CancellationToken.None);
        var leaf = Cid.Compute(1, Multicodec.Raw, data.AsSpan(1000, 1000));
        var key = Multibase.EncodeWithoutPrefix(leaf.Multihash, MultibaseEncoding.Base32Upper) + ".data";
        var path = Directory.EnumerateFiles(store.Root, key, SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(path);
        bytes[10] ^= 1;
        File.WriteAllBytes(path, bytes);
        var e = await Assert.ThrowsAsync<CairnException>(() => new UnixFsExporter(store).WriteFileAsync(root.Cid, Stream.Null, CancellationToken.None));
        Assert.Equal(ErrorCode.IntegrityViolation, e.Code);
        Assert.Contains(leaf.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task WriteFile_BlocksizesDisagreeWithChildren_IsRejected()
    {
        var store = new MemoryBlockStore();
        var a = await PutAsync(store, Multicodec.Raw, new byte[10]);
        var b = await PutAsync(store, Multicodec.Raw, new byte[20]);
        var lying = UnixFsData.ForFile([10, 25]).Encode();
        var root = await PutAsync(store, Multicodec.DagPb, DagPbCodec.Encode(new PBNode([new PBLink(a, "", 10), new PBLink(b, "", 20)], lying)));
        var e = await Assert.ThrowsAsync<CairnException>(() => new UnixFsExporter(store).WriteFileAsync(root, Stream.Null, CancellationToken.None));
        Assert.Equal(ErrorCode.IntegrityViolation, e.Code);

        var badFileSize = new UnixFsData { Type = UnixFsType.File, BlockSizes = [10, 20], FileSize = 31 }.Encode();
        var root2 = await PutAsync(store, Multicodec.DagPb, DagPbCodec.Encode(new PBNode([new PBLink(a, "", 10), new PBLink(b, "", 20)], badFileSize)));
        var e2 = await Assert.ThrowsAsync<CairnException>(() => new UnixFsExporter(store).WriteFileAsync(root2, Stream.Null, CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidInput, e2.Code);

        var missingSizes = new UnixFsData { Type = UnixFsType.File, FileSize = 30 }.Encode();
        var root3 = await PutAsync(store, Multicodec.DagPb, DagPbCodec.Encode(new PBNode([new PBLink(a, "", 10), new PBLink(b, "", 20)], missingSizes)));
        await Assert.ThrowsAsync<CairnException>(() => new UnixFsExporter(store).WriteFileAsync(root3, Stream.Null, CancellationToken.None));
    }

    [Fact(Timeout = 60_000)]
    public async Task ResolveAndList_ImportedTree_FindEntries()
    {
        using var dir = new TempDir();
        var source = UnixFsExportInteropTests.MakeTree(dir.Combine("src"));
        var store = new MemoryBlockStore();
        var root = await new UnixFsImporter(store, new ImportOptions()).ImportPathAsync(source, true, null, null, CancellationToken.None);
        var exporter = new UnixFsExporter(store);
        var nested = await exporter.ResolvePathAsync($"/ipfs/{root.Cid}/sub/nested/one-chunk.bin", CancellationToken.None);
        using var content = new MemoryStream();
        await exporter.WriteFileAsync(nested, content, CancellationToken.None);
        Assert.Equal(File.ReadAllBytes(Path.Combine(source, "sub", "nested", "one-chunk.bin")), content.ToArray());

        var entries = new List<UnixFsEntry>();
        await foreach (var entry in exporter.ListAsync(root.Cid, CancellationToken.None))
        {
            entries.Add(entry);
        }

        Assert.Equal(["README", "empty", "sub", "with space ü.txt", "zero"], entries.Select(e => e.Name));
        Assert.Equal(UnixFsType.Directory, entries[1].Type);
        Assert.Equal(6, entries[0].Size);
        Assert.Equal(0, entries[4].Size);

        var e = await Assert.ThrowsAsync<CairnException>(() => exporter.ResolvePathAsync($"{root.Cid}/sub/nope", CancellationToken.None));
        Assert.Equal(ErrorCode.NotFound, e.Code);
        var e2 = await Assert.ThrowsAsync<CairnException>(() => exporter.ResolvePathAsync($"{root.Cid}/README/x", CancellationToken.None));
        Assert.Equal(ErrorCode.NotFound, e2.Code);
        var e3 = await Assert.ThrowsAsync<CairnException>(() => exporter.WriteFileAsync(root.Cid, Stream.Null, CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidArgument, e3.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Export_ExistingOutput_IsConflict()
    {
        using var dir = new TempDir();
        var store = new MemoryBlockStore();
        var file = await PutAsync(store, Multicodec.Raw, [1]);
        var e = await Assert.ThrowsAsync<CairnException>(() => new UnixFsExporter(store).ExportAsync(file, dir.Path, CancellationToken.None));
        Assert.Equal(ErrorCode.Conflict, e.Code);
    }

    private static async Task<Cid> PutAsync(IBlockStore store, ulong codec, byte[] block)
    {
        var cid = Cid.Compute(1, codec, block);
        await store.PutAsync(cid, block);
        return cid;
    }

    private static Task<Cid> PutDirAsync(IBlockStore store, PBLink[] links)
        => PutAsync(store, Multicodec.DagPb, DagPbCodec.Encode(new PBNode(links, new UnixFsData { Type = UnixFsType.Directory }.Encode())));
}
