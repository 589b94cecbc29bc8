using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Content.Tests.Storage;

/// <summary>Concurrent flushes and pins share their syncs and commits, and lose nobody's writes.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Flush_ManyCallersAfterTheirWrites_ShareOneSync()
    {
        var ct = TestTimeout.Token();
        using var store = new FileBlockStore(_home.Blocks);
        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => store.PutAsync(TestBlocks.Raw("block " + i), ct)));

        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => store.FlushAsync(ct).AsTask()));

        // Every write landed before the first sync began, so that sync covered them all.
        Assert.Equal(1, store.SyncCount);

        await store.FlushAsync(ct);
        Assert.Equal(1, store.SyncCount);

        await store.PutAsync(TestBlocks.Raw("one more"), ct);
        await store.FlushAsync(ct);
        Assert.Equal(2, store.SyncCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task Flush_WritesDuringASync_AreCoveredByALaterOne()
    {
        var ct = TestTimeout.Token();
        using var store = new FileBlockStore(_home.Blocks);
        var flushes = new List<Task>();
        for (var i = 0; i < 32; i++)
        {
            await store.PutAsync(TestBlocks.Raw("interleaved " + i), ct);
            flushes.Add(store.FlushAsync(ct).AsTask());
        }

        await Task.WhenAll(flushes);

        // Whatever the interleaving, the last writer's flush returned only after a sync that began
        // after its write: nothing is left to sync.
        var before = store.SyncCount;
        await store.FlushAsync(ct);
        Assert.Equal(before, store.SyncCount);
        Assert.InRange(before, 1, 32);
    }

    [Fact(Timeout = 60_000)]
    public async Task PinAdd_ManyAtOnce_AllCommitted()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        var cids = new List<Cid>();
        for (var i = 0; i < 100; i++)
        {
            cids.Add(await repo.Blocks.PutAsync(TestBlocks.Raw("pin " + i), ct));
        }

        await Task.WhenAll(cids.Select((cid, i) => repo.Pins.AddAsync(cid, i % 2 == 0 ? PinMode.Recursive : PinMode.Direct, "p" + i, ct)));

        for (var i = 0; i < cids.Count; i++)
        {
            var pin = await repo.Pins.GetAsync(cids[i], ct);
            Assert.NotNull(pin);
            Assert.Equal(i % 2 == 0 ? PinMode.Recursive : PinMode.Direct, pin.Mode);
            Assert.Equal("p" + i, pin.Name);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task PinAdd_OneCallerCancelled_OthersStillCommitted()
    {
        var ct = TestTimeout.Token();
        using var repo = _home.Open();
        var cids = new List<Cid>();
        for (var i = 0; i < 20; i++)
        {
            cids.Add(await repo.Blocks.PutAsync(TestBlocks.Raw("c " + i), ct));
        }

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var tasks = cids.Select((cid, i) => repo.Pins.AddAsync(cid, PinMode.Direct, null, i == 7 ? cancelled.Token : ct)).ToList();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tasks[7]);
        await Task.WhenAll(tasks.Where((_, i) => i != 7));

        for (var i = 0; i < cids.Count; i++)
        {
            if (i != 7)
            {
                Assert.NotNull(await repo.Pins.GetAsync(cids[i], ct));
            }
        }
    }
}
