using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Content.Tests.Storage;

public sealed class FileBlockStoreTests : IDisposable
{
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task PutGet_RoundTrip_ReturnsSameBytesAndSize()
    {
        var ct = TestTimeout.Token();
        var store = new FileBlockStore(_home.Blocks);
        var block = TestBlocks.Raw("hello blocks");
        await store.PutAsync(block, ct);

        Assert.True(await store.HasAsync(block.Cid, ct));
        Assert.Equal(block.Bytes, await store.GetAsync(block.Cid, ct));
        Assert.Equal(block.Bytes.Length, await store.GetSizeAsync(block.Cid, ct));
        Assert.Null(await store.GetAsync(TestBlocks.Raw("absent").Cid, ct));
        Assert.Null(await store.GetSizeAsync(TestBlocks.Raw("absent").Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Put_OnLinux_NamesUnnamedFilesAndLeavesNoTempFiles()
    {
        var ct = TestTimeout.Token();
        var store = new FileBlockStore(_home.Blocks);
        var blocks = Enumerable.Range(0, 64).Select(i => TestBlocks.Raw("linked " + i)).ToList();
        foreach (var block in blocks)
        {
            await store.PutAsync(block, ct);
        }

        foreach (var block in blocks)
        {
            Assert.Equal(block.Bytes, await store.GetAsync(block.Cid, ct));
        }

        // With O_TMPFILE + linkat nothing passes through .tmp; elsewhere temp files are renamed away.
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_home.Blocks, FileBlockStore.TempFolderName)));
        if (OperatingSystem.IsLinux())
        {
            Assert.True(NativeLinkedWrite.IsAvailable, "O_TMPFILE + linkat should be available on Linux x64/arm64 with glibc.");
            Assert.Equal(blocks.Count, store.LinkedWriteCount);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Put_OverADamagedFileOfTheSameName_ReplacesIt()
    {
        var ct = TestTimeout.Token();
        var store = new FileBlockStore(_home.Blocks);
        var block = TestBlocks.Raw("to be repaired");
        await store.PutAsync(block, ct);
        var path = store.PathOf(block.Cid);
        await File.WriteAllBytesAsync(path, [1, 2, 3], ct); // a different length: linkat finds the name taken

        var linked = store.LinkedWriteCount;
        await store.PutAsync(block, ct);
        Assert.Equal(block.Bytes, await store.GetAsync(block.Cid, ct));
        Assert.Equal(linked, store.LinkedWriteCount); // the taken name sent it through temp + rename
    }

    [Fact(Timeout = 60_000)]
    public async Task Put_CidV0_IsFoundUnderItsCidV1()
    {
        var ct = TestTimeout.Token();
        var store = new FileBlockStore(_home.Blocks);
        byte[] pb = [0x0a, 0x02, 0x08, 0x01]; // dag-pb {Data: UnixFS directory}
        var v0 = Cid.Compute(0, Multicodec.DagPb, pb);
        await store.PutAsync(v0, pb, ct);

        Assert.True(await store.HasAsync(v0.ToV1(), ct));
        Assert.Equal(pb, await store.GetAsync(v0.ToV1(), ct));
        var listed = Assert.Single(await ListAsync(store, ct));
        Assert.Equal(v0.Multihash.ToArray(), listed.Multihash.ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Get_CorruptedFile_ThrowsIntegrityViolationNamingTheCid()
    {
        var ct = TestTimeout.Token();
        var store = new FileBlockStore(_home.Blocks);
        var block = TestBlocks.Raw("soon corrupted");
        await store.PutAsync(block, ct);
        var path = store.PathOf(block.Cid);
        var bytes = await File.ReadAllBytesAsync(path, ct);
        bytes[3] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes, ct);

        var e = await Assert.ThrowsAsync<CairnException>(async () => await store.GetAsync(block.Cid, ct));
        Assert.Equal(ErrorCode.IntegrityViolation, e.Code);
        Assert.Contains(block.Cid.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Put_OverCorruptedBlock_RewritesIt()
    {
        var ct = TestTimeout.Token();
        var store = new FileBlockStore(_home.Blocks);
        var block = TestBlocks.Raw("repaired by adding again");
        await store.PutAsync(block, ct);
        var path = store.PathOf(block.Cid);
        await File.WriteAllBytesAsync(path, new byte[block.Bytes.Length], ct); // same size, zeroed (a lost write)

        await store.PutAsync(block, ct);

        Assert.Equal(block.Bytes, await store.GetAsync(block.Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Open_WithStaleTempFile_RemovesItAndKeepsFreshOnes()
    {
        var ct = TestTimeout.Token();
        _ = new FileBlockStore(_home.Blocks);
        var temp = Path.Combine(_home.Blocks, FileBlockStore.TempFolderName);

        // What a writer killed mid-write leaves: a partial file in .tmp, never renamed into place.
        var block = TestBlocks.Raw("a block whose writer died");
        var stale = Path.Combine(temp, "12345-stale");
        await File.WriteAllBytesAsync(stale, block.Bytes.AsSpan(0, 5).ToArray(), ct);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - TimeSpan.FromHours(2));
        var fresh = Path.Combine(temp, "12345-fresh");
        await File.WriteAllBytesAsync(fresh, [1, 2, 3], ct);

        var store = new FileBlockStore(_home.Blocks);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh)); // may belong to a writer still running
        Assert.False(await store.HasAsync(block.Cid, ct));
        Assert.Empty(await ListAsync(store, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task List_SkipsFilesThatAreNotBlocks()
    {
        var ct = TestTimeout.Token();
        var store = new FileBlockStore(_home.Blocks);
        var block = TestBlocks.Raw("listed");
        await store.PutAsync(block, ct);
        Directory.CreateDirectory(Path.Combine(_home.Blocks, "ZZ"));
        await File.WriteAllTextAsync(Path.Combine(_home.Blocks, "ZZ", "NOTABLOCK.data"), "x", ct);

        var cid = Assert.Single(await ListAsync(store, ct));
        Assert.Equal(Multicodec.Raw, cid.Codec);
        Assert.Equal(block.Cid.Multihash.ToArray(), cid.Multihash.ToArray());
    }

    [Fact(Timeout = 120_000)]
    public async Task ConcurrentPutsAndGets_TwoStoresOnOneFolder_AllSucceed()
    {
        var ct = TestTimeout.Token();
        var blocks = Enumerable.Range(0, 64).Select(i => TestBlocks.Raw(new string((char)('a' + (i % 26)), 1000 + i))).ToArray();
        var stores = new[] { new FileBlockStore(_home.Blocks), new FileBlockStore(_home.Blocks) };

        // Eight writers race on the same blocks (as two `cairn add` of one file do) while readers read them.
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(
            async () =>
            {
                var store = stores[w % 2];
                foreach (var block in w % 2 == 0 ? blocks : blocks.Reverse())
                {
                    await store.PutAsync(block.Cid, block.Bytes, ct);
                    var got = await stores[(w + 1) % 2].GetAsync(block.Cid, ct);
                    Assert.True(got is null || got.AsSpan().SequenceEqual(block.Bytes));
                }
            },
            ct));
        await Task.WhenAll(tasks);
        await stores[0].FlushAsync(ct);

        foreach (var block in blocks)
        {
            Assert.Equal(block.Bytes, await stores[1].GetAsync(block.Cid, ct));
        }

        Assert.Equal(blocks.Length, (await ListAsync(stores[0], ct)).Count);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_home.Blocks, FileBlockStore.TempFolderName)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Delete_RemovesOnlyThatBlock()
    {
        var ct = TestTimeout.Token();
        var store = new FileBlockStore(_home.Blocks);
        var a = await store.PutAsync(TestBlocks.Raw("a"), ct);
        var b = await store.PutAsync(TestBlocks.Raw("b"), ct);

        Assert.True(await store.DeleteAsync(a, ct));
        Assert.False(await store.DeleteAsync(a, ct));
        Assert.False(await store.HasAsync(a, ct));
        Assert.True(await store.HasAsync(b, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Flush_AfterPuts_UsesSyncfsOnLinuxAndSucceeds()
    {
        var ct = TestTimeout.Token();
        var store = new FileBlockStore(_home.Blocks);
        await store.PutAsync(TestBlocks.Raw("durable"), ct);

        await store.FlushAsync(ct);
        await store.FlushAsync(ct); // nothing new: a no-op

        Assert.Equal(OperatingSystem.IsLinux(), NativeSync.IsAvailable);
        Assert.True(await store.HasAsync(TestBlocks.Raw("durable").Cid, ct));
    }

    [Fact]
    public void PathOf_ManyBlocks_SpreadEvenlyOverTheShards()
    {
        var store = new FileBlockStore(_home.Blocks);
        var counts = new Dictionary<string, int>();
        var data = new byte[8];
        for (var i = 0; i < 50_000; i++)
        {
            BitConverter.TryWriteBytes(data, (long)i);
            var shard = Path.GetFileName(Path.GetDirectoryName(store.PathOf(Cid.Compute(1, Multicodec.Raw, data)))!);
            counts[shard] = counts.GetValueOrDefault(shard) + 1;
        }

        // 1,024 shards of ~49 blocks each: a million blocks is ~1,000 files a folder.
        Assert.Equal(1024, counts.Count);
        Assert.InRange(counts.Values.Max(), 49, 49 * 2);
    }

    private static async Task<List<Cid>> ListAsync(FileBlockStore store, CancellationToken ct)
    {
        var list = new List<Cid>();
        await foreach (var cid in store.ListAsync(ct))
        {
            list.Add(cid);
        }

        return list;
    }
}
