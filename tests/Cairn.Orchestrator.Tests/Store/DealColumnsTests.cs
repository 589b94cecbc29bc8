using Cairn.Jobs;
using Cairn.Market;
using Cairn.Orchestrator.Store;
using Microsoft.Data.Sqlite;

namespace Cairn.Orchestrator.Tests.Store;

/// <summary>Schema v2: the execution's deal columns, their history entries and the recovery query.</summary>
public sealed class DealColumnsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualTimeProvider _clock = new();

    public void Dispose() => _dir.Dispose();

    private static ExecutionRecord Execution(JobId job, string? dealId = null) => new()
    {
        Id = ExecutionId.New(),
        JobId = job,
        NodeId = NodeId.Parse("n-1"),
        State = ExecutionState.New,
        Attempt = 1,
        DealId = dealId,
    };

    [Fact(Timeout = 60_000)]
    public async Task Open_Version1File_MigratesToVersion2AndKeepsExecutions()
    {
        var path = _dir.Combine("jobs.db");
        var job = TestJobs.Noop();
        var execution = Execution(job.Id);
        using (var v1 = await SqliteJobStore.OpenAsync(path, _clock, JobStoreSchema.Migrations.Take(1).ToList(), TestContext.Token))
        {
            await v1.CreateJobAsync(job, null, "client", TestContext.Token);
        }

        // This build writes v2 rows, so the v1 row is written as a v1 build would have.
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Token);
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO executions (id, job_id, node_id, desired_state, state, state_message, attempt, bid_price, result, revision, created_at, modified_at, started_at)
                VALUES ($id, $job, 'n-1', 'Pending', 'New', NULL, 1, NULL, NULL, 1, 0, 0, NULL)
                """;
            insert.Parameters.AddWithValue("$id", execution.Id.Value);
            insert.Parameters.AddWithValue("$job", job.Id.Value);
            await insert.ExecuteNonQueryAsync(TestContext.Token);
        }

        using var v2 = await SqliteJobStore.OpenAsync(path, _clock, TestContext.Token);
        Assert.Equal(JobStoreSchema.Migrations.Count, await v2.GetSchemaVersionAsync(TestContext.Token));
        var read = await v2.GetExecutionAsync(execution.Id, TestContext.Token);
        Assert.Equal((execution.Id, (string?)null, (DealStatus?)null, (long?)null), (read!.Id, read.DealId, read.DealStatus, read.Paid));
        var updated = await v2.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { DealId = "d-1", DealStatus = DealStatus.Open, DealTxCid = "bafy-open" }, "scheduler", TestContext.Token);
        Assert.Equal(("d-1", DealStatus.Open, "bafy-open"), (updated.DealId, updated.DealStatus, updated.DealTxCid));
    }

    [Fact(Timeout = 60_000)]
    public async Task UpdateExecution_DealLifecycle_StoredReadBackAndInHistory()
    {
        using var store = await SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), _clock, TestContext.Token);
        var job = TestJobs.Noop();
        await store.CreateJobAsync(job, null, "client", TestContext.Token);
        var e = Execution(job.Id, "deal-1");
        await store.CreateExecutionAsync(e, "scheduler", TestContext.Token);
        Assert.Equal("deal-1", (await store.GetExecutionAsync(e.Id, TestContext.Token))!.DealId);
        Assert.Contains(await store.ListUnfinishedExecutionsAsync(TestContext.Token), x => x.Id == e.Id);

        await store.UpdateExecutionAsync(e.Id, new ExecutionUpdate { State = ExecutionState.Failed, Message = "boom" }, "scheduler", TestContext.Token);
        await store.UpdateExecutionAsync(e.Id, new ExecutionUpdate { DealStatus = DealStatus.Open, DealTxCid = "tx-open" }, "scheduler", TestContext.Token);

        // Terminal, but its deal is open: recovery must still see it.
        Assert.Contains(await store.ListUnfinishedExecutionsAsync(TestContext.Token), x => x.Id == e.Id);
        var closed = await store.UpdateExecutionAsync(
            e.Id,
            new ExecutionUpdate { DealStatus = DealStatus.Failed, SettlementTxCid = "tx-fail", Paid = 0, Refunded = 700, DealMessage = "deal deal-1 failed: refunded 700" },
            "scheduler",
            TestContext.Token);
        Assert.Equal((ExecutionState.Failed, "boom", DealStatus.Failed, "tx-open", "tx-fail", 0L, 700L), (closed.State, closed.StateMessage, closed.DealStatus!.Value, closed.DealTxCid, closed.SettlementTxCid, closed.Paid!.Value, closed.Refunded!.Value));
        Assert.Equal(closed, await store.GetExecutionAsync(e.Id, TestContext.Token));
        Assert.DoesNotContain(await store.ListUnfinishedExecutionsAsync(TestContext.Token), x => x.Id == e.Id);

        var history = (await store.GetHistoryAsync(job.Id, TestContext.Token)).Where(h => h.ExecutionId == e.Id).ToList();
        Assert.Contains(history, h => h.Details == $"deal deal-1 open (tx tx-open)");
        Assert.Contains(history, h => h.Details == "deal deal-1 failed: refunded 700");
    }

    [Fact(Timeout = 60_000)]
    public async Task UpdateExecution_ClearDeal_ForgetsTheDeal()
    {
        using var store = await SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), _clock, TestContext.Token);
        var job = TestJobs.Noop();
        await store.CreateJobAsync(job, null, "client", TestContext.Token);
        var e = Execution(job.Id, "deal-2");
        await store.CreateExecutionAsync(e, "scheduler", TestContext.Token);
        await store.UpdateExecutionAsync(e.Id, new ExecutionUpdate { State = ExecutionState.Cancelled }, "scheduler", TestContext.Token);

        var cleared = await store.UpdateExecutionAsync(e.Id, new ExecutionUpdate { ClearDeal = true }, "scheduler", TestContext.Token);
        Assert.Null(cleared.DealId);
        Assert.DoesNotContain(await store.ListUnfinishedExecutionsAsync(TestContext.Token), x => x.Id == e.Id);
        Assert.Contains(await store.GetHistoryAsync(job.Id, TestContext.Token), h => h.Details?.Contains("never opened", StringComparison.Ordinal) == true);
    }
}
