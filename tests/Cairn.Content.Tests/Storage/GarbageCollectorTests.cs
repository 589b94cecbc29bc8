using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Content.Tests.Storage;

public sealed class GarbageCollectorTests : IDisposable
{
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Gc_DagsSharingBlocks_RemovesExactlyTheUnpinned()
    {
        var ct = TestTimeout.Token();
        var kept = new List<Cid>();
        var garbage = new List<Cid>();
        using (var repo = _home.Open())
        {
            var shared1 = await repo.Blocks.PutAsync(TestBlocks.Raw("shared 1"), ct);
            var shared2 = await repo.Blocks.PutAsync(TestBlocks.Raw("shared 2"), ct);
            var x1 = await repo.Blocks.PutAsync(TestBlocks.Raw("only in dag 1"), ct);
            var dag1Inner = await repo.Blocks.PutAsync(TestBlocks.Node("dag1 inner", shared2, x1), ct);
            var root1 = await repo.Blocks.PutAsync(TestBlocks.Node("dag1", shared1, dag1Inner), ct);

            // An unpinned DAG sharing blocks with the pinned one.
            var y1 = await repo.Blocks.PutAsync(TestBlocks.Raw("only in dag 2"), ct);
            var sub = await repo.Blocks.PutAsync(TestBlocks.Node("dag2 sub", y1, shared1), ct);
            var root2 = await repo.Blocks.PutAsync(TestBlocks.Node("dag2", shared2, sub), ct);

            // A directly pinned node keeps itself, not its children.
            var d2 = await repo.Blocks.PutAsync(TestBlocks.Raw("child of a direct pin"), ct);
            var d1 = await repo.Blocks.PutAsync(TestBlocks.Node("direct", d2, shared1), ct);
            var loose = await repo.Blocks.PutAsync(TestBlocks.Raw("loose"), ct);

            await repo.Pins.AddAsync(root1, PinMode.Recursive, null, ct);
            await repo.Pins.AddAsync(d1, PinMode.Direct, null, ct);
            kept.AddRange([root1, dag1Inner, shared1, shared2, x1, d1]);
            garbage.AddRange([root2, sub, y1, d2, loose]);
        }

        using var gcRepo = _home.Open();
        var result = await gcRepo.CollectGarbageAsync(ct);

        var survivors = await gcRepo.FileStore.StoredKeysAsync(ct);
        Assert.Equal(kept.Select(TestBlocks.Key).ToHashSet(), survivors);
        Assert.Equal(garbage.Select(TestBlocks.Key).ToHashSet(), result.Removed.Select(TestBlocks.Key).ToHashSet());
        Assert.Equal(kept.Count, result.KeptBlocks);
        Assert.Equal(
            TestBlocks.Raw("only in dag 2").Bytes.Length + TestBlocks.Raw("child of a direct pin").Bytes.Length + TestBlocks.Raw("loose").Bytes.Length
                + TestBlocks.Node("dag2 sub", garbage[2], kept[2]).Bytes.Length + TestBlocks.Node("dag2", kept[3], garbage[1]).Bytes.Length,
            result.RemovedBytes);

        var again = await gcRepo.CollectGarbageAsync(ct);
        Assert.Equal(0, again.RemovedBlocks);
    }

    [Fact(Timeout = 60_000)]
    public async Task Gc_CorruptedReachableBlock_FailsWithoutDeletingAnything()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        var leaf = await repo.Blocks.PutAsync(TestBlocks.Raw("will rot"), ct);
        var root = await repo.Blocks.PutAsync(TestBlocks.Node("root", leaf), ct);
        await repo.Pins.AddAsync(root, PinMode.Recursive, null, ct);
        await repo.Blocks.PutAsync(TestBlocks.Raw("garbage"), ct);
        var path = repo.FileStore.PathOf(leaf);
        await File.WriteAllTextAsync(path, "rotten!!", ct);
        var before = await repo.FileStore.StoredKeysAsync(ct);

        var e = await Assert.ThrowsAsync<CairnException>(() => repo.CollectGarbageAsync(ct));

        Assert.Equal(ErrorCode.IntegrityViolation, e.Code);
        Assert.Contains(leaf.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await repo.FileStore.StoredKeysAsync(ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Gc_CorruptedDirectPin_FailsWithoutDeletingAnything()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        var direct = await repo.Blocks.PutAsync(TestBlocks.Raw("direct and rotten"), ct);
        await repo.Pins.AddAsync(direct, PinMode.Direct, null, ct);
        await repo.Blocks.PutAsync(TestBlocks.Raw("garbage"), ct);
        await File.WriteAllTextAsync(repo.FileStore.PathOf(direct), "rotten", ct);
        var before = await repo.FileStore.StoredKeysAsync(ct);

        var e = await Assert.ThrowsAsync<CairnException>(() => repo.CollectGarbageAsync(ct));

        Assert.Equal(ErrorCode.IntegrityViolation, e.Code);
        Assert.StartsWith("Garbage collection stopped before deleting anything", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await repo.FileStore.StoredKeysAsync(ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Gc_MissingPinnedBlock_FailsWithoutDeletingAnything()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        var leaf = await repo.Blocks.PutAsync(TestBlocks.Raw("will vanish"), ct);
        var root = await repo.Blocks.PutAsync(TestBlocks.Node("root", leaf), ct);
        await repo.Pins.AddAsync(root, PinMode.Recursive, null, ct);
        await repo.Blocks.PutAsync(TestBlocks.Raw("garbage"), ct);
        File.Delete(repo.FileStore.PathOf(leaf));
        var before = await repo.FileStore.StoredKeysAsync(ct);

        var e = await Assert.ThrowsAsync<CairnException>(() => repo.CollectGarbageAsync(ct));

        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Equal(before, await repo.FileStore.StoredKeysAsync(ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Gc_WhileAnImportHasNotPinnedYet_WaitsAndKeepsItsBlocks()
    {
        var ct = TestTimeout.Token();
        using var importer = _home.Open();
        var leaf = await importer.Blocks.PutAsync(TestBlocks.Raw("in flight"), ct); // takes the write lease
        var root = await importer.Blocks.PutAsync(TestBlocks.Node("in flight root", leaf), ct);

        using (var impatient = _home.Open(TimeSpan.FromMilliseconds(200)))
        {
            var e = await Assert.ThrowsAsync<CairnException>(() => impatient.CollectGarbageAsync(ct));
            Assert.Equal(ErrorCode.Conflict, e.Code);
        }

        using var gcRepo = _home.Open();
        var gc = gcRepo.CollectGarbageAsync(ct);
        await Task.Delay(300, ct);
        Assert.False(gc.IsCompleted); // still waiting for the import

        await importer.Pins.AddAsync(root, PinMode.Recursive, null, ct);
        importer.Dispose(); // the import ends: its lease goes
        var result = await gc;

        Assert.Equal(0, result.RemovedBlocks);
        Assert.Equal(new[] { leaf, root }.Select(TestBlocks.Key).ToHashSet(), await gcRepo.FileStore.StoredKeysAsync(ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Write_WhileGcRuns_WaitsForIt()
    {
        var ct = TestTimeout.Token();
        using var gcRepo = _home.Open();
        using var held = await gcRepo.Lock.AcquireExclusiveAsync(TimeSpan.FromSeconds(5), ct); // stands for a running gc
        using var writer = _home.Open(TimeSpan.FromMilliseconds(200));

        var e = await Assert.ThrowsAsync<CairnException>(async () => await writer.Blocks.PutAsync(TestBlocks.Raw("late").Cid, TestBlocks.Raw("late").Bytes, ct));

        Assert.Equal(ErrorCode.Conflict, e.Code);
        Assert.False(await writer.Blocks.HasAsync(TestBlocks.Raw("late").Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Gc_RemovesStaleTempFiles()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        var stale = Path.Combine(repo.FileStore.Root, FileBlockStore.TempFolderName, "999-dead");
        await File.WriteAllBytesAsync(stale, [1, 2, 3], ct);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - TimeSpan.FromDays(1));

        var result = await repo.CollectGarbageAsync(ct);

        Assert.Equal(1, result.RemovedTempFiles);
        Assert.False(File.Exists(stale));
    }
}
