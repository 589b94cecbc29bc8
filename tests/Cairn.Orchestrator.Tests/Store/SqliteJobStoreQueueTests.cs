using Cairn.Orchestrator.Store;

namespace Cairn.Orchestrator.Tests.Store;

/// <summary>The queue conformance suite on a real SQLite file in a temp dir.</summary>
public sealed class SqliteJobStoreQueueTests : JobStoreQueueConformance, IDisposable
{
    private readonly TempDir _dir = new();
    private readonly List<SqliteJobStore> _opened = [];

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        _dir.Dispose();
    }

    protected override async Task<IJobStore> OpenAsync()
    {
        var store = await SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), Clock, TestContext.Token);
        _opened.Add(store);
        return store;
    }
}
