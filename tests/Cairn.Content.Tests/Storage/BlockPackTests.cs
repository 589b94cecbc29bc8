using System.Buffers;
using Cairn.Content.Car;
using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Content.Tests.Storage;

/// <summary>The packed tier of <see cref="FileBlockStore"/>: <see cref="PackWriter"/>, reads through the index, gc.</summary>
public sealed class BlockPackTests : IDisposable
{
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    private string PacksFolder => Path.Combine(_home.Blocks, BlockPacks.FolderName);

    [Fact(Timeout = 60_000)]
    public async Task Commit_MakesBlocksVisibleToAnotherInstanceOnlyThen()
    {
        var ct = TestTimeout.Token();
        var blocks = Enumerable.Range(0, 20).Select(i => TestBlocks.Raw($"block {i} " + new string('x', i * 100))).ToList();
        using var writerRepo = _home.Open();
        using var other = new FileBlockStore(_home.Blocks);
        await using (var writer = writerRepo.FileStore.OpenPackWriter(blocks[0].Cid))
        {
            foreach (var (cid, bytes) in blocks)
            {
                await writer.PutAsync(cid, bytes, ct);
            }

            Assert.False(await other.HasAsync(blocks[0].Cid, ct));
            await writer.CommitAsync(ct);
            Assert.True(await other.HasAsync(blocks[0].Cid, ct));
        }

        foreach (var (cid, bytes) in blocks)
        {
            Assert.Equal(bytes, await other.GetAsync(cid, ct));
            Assert.Equal(bytes.Length, await other.GetSizeAsync(cid, ct));
            Assert.True(other.TryRentUnverified(cid, ArrayPool<byte>.Shared, out var rented, out var length));
            Assert.Equal(bytes, rented.AsSpan(0, length).ToArray());
            ArrayPool<byte>.Shared.Return(rented);
        }

        Assert.Equal(blocks.Select(b => TestBlocks.Key(b.Cid)).ToHashSet(), await other.StoredKeysAsync(ct));
        Assert.Empty(Directory.GetFiles(_home.Blocks, "*.data", SearchOption.AllDirectories));
    }

    [Fact(Timeout = 60_000)]
    public async Task Pack_IsACarV1File_ThatACarImportReadsWhole()
    {
        var ct = TestTimeout.Token();
        var leaf = TestBlocks.Raw("leaf");
        var node = TestBlocks.Node("root", leaf.Cid);
        using (var repo = _home.Open())
        {
            await PackAsync(repo.FileStore, [node, leaf], ct);
        }

        var pack = Assert.Single(Directory.GetFiles(PacksFolder, "*.car"));
        using var target = new TempHome();
        using var imported = target.Open();
        await using var input = File.OpenRead(pack);
        var result = await CarImporter.ImportAsync(input, imported, ct);

        Assert.Equal([node.Cid], result.Roots);
        Assert.Equal(node.Bytes, await imported.Blocks.GetAsync(node.Cid, ct));
        Assert.Equal(leaf.Bytes, await imported.Blocks.GetAsync(leaf.Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task CarImport_StoresOnePack_AndImportingAgainStoresNothingTwice()
    {
        var ct = TestTimeout.Token();
        var leaves = Enumerable.Range(0, 5).Select(i => TestBlocks.Raw($"leaf {i}")).ToList();
        var node = TestBlocks.Node("root", [.. leaves.Select(l => l.Cid)]);
        using var car = new MemoryStream();
        var writer = new CarWriter(car);
        await writer.WriteHeaderAsync([node.Cid], ct);
        foreach (var (cid, bytes) in leaves.Prepend(node))
        {
            await writer.WriteBlockAsync(cid, bytes, ct);
        }

        using var repo = _home.Open();
        for (var i = 0; i < 2; i++)
        {
            car.Position = 0;
            var result = await CarImporter.ImportAsync(car, repo, ct);
            Assert.Equal(6, result.Blocks);
        }

        Assert.Single(Directory.GetFiles(PacksFolder, "*.car"));
        Assert.Empty(Directory.GetFiles(_home.Blocks, "*.data", SearchOption.AllDirectories));
        Assert.Equal(leaves.Select(l => l.Bytes), await Task.WhenAll(leaves.Select(async l => (await repo.Blocks.GetAsync(l.Cid, ct))!)));
        Assert.Null(await Cairn.Content.Exchange.GatewayFetcher.FindMissingAsync(node.Cid, repo.Blocks, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task DamagedPackedBlock_ReadFailsNamingIt_AndANewPackRepairsIt()
    {
        var ct = TestTimeout.Token();
        var block = TestBlocks.Raw("a block that a disk will damage");
        using var repo = _home.Open();
        await PackAsync(repo.FileStore, [block], ct);

        var pack = Assert.Single(Directory.GetFiles(PacksFolder, "*.car"));
        var bytes = await File.ReadAllBytesAsync(pack, ct);
        bytes[^3] ^= 0x40; // inside the block's bytes, the pack's last section
        await File.WriteAllBytesAsync(pack, bytes, ct);

        var e = await Assert.ThrowsAsync<CairnException>(async () => await repo.Blocks.GetAsync(block.Cid, ct));
        Assert.Equal(ErrorCode.IntegrityViolation, e.Code);
        Assert.Contains(block.Cid.ToString(), e.Message, StringComparison.Ordinal);

        await PackAsync(repo.FileStore, [block], ct);

        Assert.Equal(block.Bytes, await repo.Blocks.GetAsync(block.Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task LoosePut_OfABlockAlreadyPacked_WritesNoFile()
    {
        var ct = TestTimeout.Token();
        var block = TestBlocks.Raw("packed once");
        using var repo = _home.Open();
        await PackAsync(repo.FileStore, [block], ct);

        await repo.Blocks.PutAsync(block.Cid, block.Bytes, ct);

        Assert.Empty(Directory.GetFiles(_home.Blocks, "*.data", SearchOption.AllDirectories));
        Assert.True(await repo.Blocks.DeleteAsync(block.Cid, ct));
        Assert.False(await repo.Blocks.HasAsync(block.Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task AbandonedWriter_ItsBlocksNeverAppear_AndGcRemovesItsPackOnceStale()
    {
        var ct = TestTimeout.Token();
        var block = TestBlocks.Raw("written by a process that was killed before its commit");
        using (var repo = _home.Open())
        {
            // Neither committed nor disposed: what a killed process leaves.
            var writer = repo.FileStore.OpenPackWriter(block.Cid);
            await writer.PutAsync(block.Cid, block.Bytes, ct);
            GC.KeepAlive(writer);
        }

        var pack = Assert.Single(Directory.GetFiles(PacksFolder, "*.car"));
        using var gcRepo = _home.Open();
        Assert.False(await gcRepo.Blocks.HasAsync(block.Cid, ct));

        await gcRepo.CollectGarbageAsync(ct);
        Assert.True(File.Exists(pack)); // young: it could be a writer still at work

        File.SetLastWriteTimeUtc(pack, DateTime.UtcNow - FileBlockStore.StaleTempAge - TimeSpan.FromMinutes(1));
        await gcRepo.CollectGarbageAsync(ct);
        Assert.False(File.Exists(pack));
    }

    [Fact(Timeout = 60_000)]
    public async Task Gc_RemovesUnpinnedPackedBlocks_CompactsAMostlyDeadPack_AndDeletesAnEmptyOne()
    {
        var ct = TestTimeout.Token();
        var big = Enumerable.Range(0, 8).Select(i => TestBlocks.Raw($"garbage {i} " + new string('g', 4000))).ToList();
        var keptLeaf = TestBlocks.Raw("kept leaf");
        var keptRoot = TestBlocks.Node("kept", keptLeaf.Cid);
        var allGarbage = Enumerable.Range(0, 3).Select(i => TestBlocks.Raw($"all garbage {i}")).ToList();
        using (var repo = _home.Open())
        {
            await PackAsync(repo.FileStore, [keptRoot, .. big, keptLeaf], ct);
            await PackAsync(repo.FileStore, allGarbage, ct);

            await repo.Pins.AddAsync(keptRoot.Cid, PinMode.Recursive, null, ct);
        }

        var before = Directory.GetFiles(PacksFolder, "*.car").ToHashSet();
        Assert.Equal(2, before.Count);
        using var gcRepo = _home.Open();
        var result = await gcRepo.CollectGarbageAsync(ct);

        Assert.Equal(big.Concat(allGarbage).Select(b => TestBlocks.Key(b.Cid)).ToHashSet(), result.Removed.Select(TestBlocks.Key).ToHashSet());
        Assert.Equal(big.Sum(b => b.Bytes.Length) + allGarbage.Sum(b => b.Bytes.Length), result.RemovedBytes);
        Assert.Equal(2, result.KeptBlocks);

        // Both old packs are gone; the two live blocks moved to a new, small one and still read.
        var after = Directory.GetFiles(PacksFolder, "*.car");
        var compacted = Assert.Single(after);
        Assert.DoesNotContain(compacted, before);
        Assert.True(new FileInfo(compacted).Length < 1000);
        Assert.Equal(keptRoot.Bytes, await gcRepo.Blocks.GetAsync(keptRoot.Cid, ct));
        Assert.Equal(keptLeaf.Bytes, await gcRepo.Blocks.GetAsync(keptLeaf.Cid, ct));
        Assert.Equal(0, (await gcRepo.CollectGarbageAsync(ct)).RemovedBlocks);
        Assert.Single(Directory.GetFiles(PacksFolder, "*.car"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Writer_PastItsCommitSize_IndexesWithoutAnExplicitCommit()
    {
        var ct = TestTimeout.Token();
        var blocks = Enumerable.Range(0, 4).Select(i => TestBlocks.Raw($"auto-committed {i} " + new string('a', 600))).ToList();
        using var repo = _home.Open();
        using var other = new FileBlockStore(_home.Blocks);
        await using var writer = repo.FileStore.OpenPackWriter(null);
        writer.CommitEveryBytes = 1000;

        await writer.PutAsync(blocks[0].Cid, blocks[0].Bytes, ct);
        Assert.False(await other.HasAsync(blocks[0].Cid, ct)); // 600 bytes: below the commit size
        await writer.PutAsync(blocks[1].Cid, blocks[1].Bytes, ct);

        Assert.True(await other.HasAsync(blocks[0].Cid, ct));
        Assert.Equal(blocks[1].Bytes, await other.GetAsync(blocks[1].Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Writer_PastItsPackSize_StartsANewPack_AndEveryBlockReads()
    {
        var ct = TestTimeout.Token();
        var blocks = Enumerable.Range(0, 5).Select(i => TestBlocks.Raw($"rolled {i} " + new string('r', 3000))).ToList();
        using var repo = _home.Open();
        await using (var writer = repo.FileStore.OpenPackWriter(null))
        {
            writer.MaxPackBytes = 5000; // two blocks a pack
            foreach (var (cid, bytes) in blocks)
            {
                await writer.PutAsync(cid, bytes, ct);
            }
        }

        Assert.Equal(3, Directory.GetFiles(PacksFolder, "*.car").Length);
        using var other = new FileBlockStore(_home.Blocks);
        foreach (var (cid, bytes) in blocks)
        {
            Assert.Equal(bytes, await other.GetAsync(cid, ct));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task PackFileMissing_ReadFailsNamingTheBlockAndThePack()
    {
        var ct = TestTimeout.Token();
        var block = TestBlocks.Raw("in a pack someone deleted");
        using var repo = _home.Open();
        await PackAsync(repo.FileStore, [block], ct);
        var pack = Assert.Single(Directory.GetFiles(PacksFolder, "*.car"));
        File.Delete(pack);

        var e = await Assert.ThrowsAsync<CairnException>(async () => await repo.Blocks.GetAsync(block.Cid, ct));

        Assert.Equal(ErrorCode.IntegrityViolation, e.Code);
        Assert.Contains(block.Cid.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(pack), e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Hint);
    }

    /// <summary>Writes <paramref name="blocks"/> to one new pack (the first block is its root) and commits it.</summary>
    private static async Task PackAsync(FileBlockStore store, IEnumerable<(Cid Cid, byte[] Bytes)> blocks, CancellationToken ct)
    {
        await using var writer = store.OpenPackWriter(null);
        foreach (var (cid, bytes) in blocks)
        {
            await writer.PutAsync(cid, bytes, ct);
        }
    }
}
