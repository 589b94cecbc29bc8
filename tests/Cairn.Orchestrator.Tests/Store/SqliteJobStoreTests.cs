using System.Text.Json;
using Cairn.Jobs;
using Cairn.Orchestrator.Specs;
using Cairn.Orchestrator.Store;
using Cairn.Orchestrator.Tests.Specs;
using Microsoft.Data.Sqlite;

namespace Cairn.Orchestrator.Tests.Store;

public sealed class SqliteJobStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualTimeProvider _clock = new();

    public void Dispose() => _dir.Dispose();

    private Task<SqliteJobStore> OpenAsync() => SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), _clock, TestContext.Token);

    private static EvaluationRecord Evaluation(JobId job, int priority = 0, DateTimeOffset? waitUntil = null) => new()
    {
        Id = EvaluationId.New(),
        JobId = job,
        TriggeredBy = EvaluationTrigger.JobRegistered,
        Priority = priority,
        WaitUntil = waitUntil ?? DateTimeOffset.MinValue,
    };

    private static ExecutionRecord Execution(JobId job) => new()
    {
        Id = ExecutionId.New(),
        JobId = job,
        NodeId = NodeId.Parse("n-1"),
        DesiredState = ExecutionDesiredState.Pending,
        State = ExecutionState.New,
        Attempt = 1,
    };

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_dir.Combine("jobs.db")}");
        await connection.OpenAsync(TestContext.Token);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var result = await command.ExecuteScalarAsync(TestContext.Token);
        return result is string s ? s.Length : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact(Timeout = 60_000)]
    public async Task Open_NewFile_CreatesVersionedSchemaInWalMode()
    {
        using var store = await OpenAsync();

        Assert.Equal(JobStoreSchema.Migrations.Count, await store.GetSchemaVersionAsync(TestContext.Token));
        await using var connection = new SqliteConnection($"Data Source={store.Path}");
        await connection.OpenAsync(TestContext.Token);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(TestContext.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task Open_Twice_AppliesEachMigrationOnce()
    {
        using (await OpenAsync())
        {
        }

        using var store = await OpenAsync();

        Assert.Equal(JobStoreSchema.Migrations.Count, await ScalarAsync("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Open_WithALaterMigration_UpgradesAndKeepsData()
    {
        var job = TestJobs.Noop();
        using (var v1 = await SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), _clock, JobStoreSchema.Migrations, TestContext.Token))
        {
            await v1.CreateJobAsync(job, null, "client", TestContext.Token);
        }

        JobStoreMigration[] upgraded = [.. JobStoreSchema.Migrations, new(JobStoreSchema.Migrations.Count + 1, "test: job tags", "CREATE TABLE job_tags (job_id TEXT NOT NULL REFERENCES jobs (id), tag TEXT NOT NULL)")];
        using var v2 = await SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), _clock, upgraded, TestContext.Token);

        Assert.Equal(upgraded.Length, await v2.GetSchemaVersionAsync(TestContext.Token));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM job_tags"));
        Assert.NotNull(await v2.GetJobAsync(job.Id, TestContext.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task Open_FailingMigration_RollsBackToThePreviousVersion()
    {
        using (await OpenAsync())
        {
        }

        JobStoreMigration[] broken = [.. JobStoreSchema.Migrations, new(JobStoreSchema.Migrations.Count + 1, "test: broken", "CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table")];
        await Assert.ThrowsAsync<SqliteException>(() => SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), _clock, broken, TestContext.Token));

        Assert.Equal(JobStoreSchema.Migrations.Count, await ScalarAsync("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Open_DatabaseFromANewerBuild_IsUnsupported()
    {
        JobStoreMigration[] newer = [.. JobStoreSchema.Migrations, new(JobStoreSchema.Migrations.Count + 1, "future", "CREATE TABLE future (x INTEGER)")];
        using (await SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), _clock, newer, TestContext.Token))
        {
        }

        var e = await Assert.ThrowsAsync<CairnException>(OpenAsync);

        Assert.Equal(ErrorCode.Unsupported, e.Code);
        Assert.Contains("newer than this build", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Open_MisnumberedMigrations_AreRefused()
    {
        JobStoreMigration[] gap = [.. JobStoreSchema.Migrations, new(JobStoreSchema.Migrations.Count + 2, "gap", "SELECT 1")];

        var e = await Assert.ThrowsAsync<CairnException>(() => SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), _clock, gap, TestContext.Token));

        Assert.Equal(ErrorCode.Internal, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateJob_ThenGet_RoundTripsTheParsedSpec()
    {
        using var store = await OpenAsync();
        var parsed = JobSpecParser.Parse(SpecFiles.Read("wasm-inline.yaml")).Job with { Id = JobId.New() };

        var created = await store.CreateJobAsync(parsed, Evaluation(parsed.Id), "client", TestContext.Token);
        var loaded = await store.GetJobAsync(parsed.Id, TestContext.Token);

        Assert.NotNull(loaded);
        Assert.Equal(JobState.Pending, loaded.State);
        Assert.Equal(_clock.GetUtcNow(), loaded.CreatedAt);
        Assert.Equal(created.Revision, loaded.Revision);
        var options = new JsonSerializerOptions { WriteIndented = false };
        Assert.Equal(JsonSerializer.Serialize(parsed, options), JsonSerializer.Serialize(loaded.Job, options));
        Assert.Equal("_start", loaded.Job.Tasks[0].Engine.GetParam("ENTRYPOINT"));
        var parameters = Assert.IsAssignableFrom<IReadOnlyList<object?>>(loaded.Job.Tasks[0].Engine.GetParam("parameters"));
        Assert.Equal("/inputs/words.txt", parameters[0]);
        Assert.Equal(42L, Assert.IsType<long>(parameters[1]));
        Assert.Single(await store.GetEvaluationsAsync(parsed.Id, TestContext.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateJob_SameIdTwice_IsConflict()
    {
        using var store = await OpenAsync();
        var job = TestJobs.Noop();
        await store.CreateJobAsync(job, null, "client", TestContext.Token);

        var e = await Assert.ThrowsAsync<CairnException>(() => store.CreateJobAsync(job, null, "client", TestContext.Token));

        Assert.Equal(ErrorCode.Conflict, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task UpdateJobState_IllegalMove_IsRejectedAndLeavesNoTrace()
    {
        using var store = await OpenAsync();
        var job = TestJobs.Noop();
        await store.CreateJobAsync(job, null, "client", TestContext.Token);
        await store.UpdateJobStateAsync(job.Id, JobState.Completed, "done", "scheduler", TestContext.Token);

        var e = await Assert.ThrowsAsync<CairnException>(() => store.UpdateJobStateAsync(job.Id, JobState.Running, null, "scheduler", TestContext.Token));

        Assert.Equal(ErrorCode.Conflict, e.Code);
        Assert.Equal(JobState.Completed, (await store.GetJobAsync(job.Id, TestContext.Token))!.State);
        var history = await store.GetHistoryAsync(job.Id, TestContext.Token);
        Assert.Equal([(null, "Pending"), ("Pending", "Completed")], history.Select(h => (h.PreviousState, h.NewState)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Execution_Lifecycle_IsRecordedInHistoryWithActorsAndTimes()
    {
        using var store = await OpenAsync();
        var job = TestJobs.Noop();
        await store.CreateJobAsync(job, null, "client", TestContext.Token);
        var execution = Execution(job.Id);
        await store.CreateExecutionAsync(execution, "scheduler", TestContext.Token);

        await store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.AskForBid }, "scheduler", TestContext.Token);
        await store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.BidAccepted, BidPrice = 7, DesiredState = ExecutionDesiredState.Running }, "scheduler", TestContext.Token);
        _clock.Advance(TimeSpan.FromSeconds(3));
        await store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.Running }, "node:n-1", TestContext.Token);
        var result = new RunResult { ExitCode = 0, Usage = new Cairn.Market.Usage(1234, 0, 0), Outputs = new Dictionary<string, string> { ["outputs"] = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e" } };
        await store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.Completed, Result = result }, "node:n-1", TestContext.Token);

        var loaded = await store.GetExecutionAsync(execution.Id, TestContext.Token);
        Assert.NotNull(loaded);
        Assert.Equal(ExecutionState.Completed, loaded.State);
        Assert.Equal(7, loaded.BidPrice);
        Assert.Equal(1234, loaded.Result?.Usage.Fuel);
        Assert.Equal(result.Outputs["outputs"], loaded.Result?.Outputs["outputs"]);
        Assert.Equal(_clock.GetUtcNow(), loaded.StartedAt);
        var history = (await store.GetHistoryAsync(job.Id, TestContext.Token)).Where(h => h.Kind == HistoryKind.Execution).ToList();
        Assert.Equal(["New", "AskForBid", "BidAccepted", "Running", "Completed"], history.Select(h => h.NewState));
        Assert.Equal("node:n-1", history[^1].Actor);
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
    }

    [Fact(Timeout = 60_000)]
    public async Task UpdateExecution_IllegalTransitionOrWrongExpectedState_IsConflict()
    {
        using var store = await OpenAsync();
        var job = TestJobs.Noop();
        await store.CreateJobAsync(job, null, "client", TestContext.Token);
        var execution = Execution(job.Id);
        await store.CreateExecutionAsync(execution, "scheduler", TestContext.Token);

        var illegal = await Assert.ThrowsAsync<CairnException>(() => store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.Completed }, "node:n-1", TestContext.Token));
        var stale = await Assert.ThrowsAsync<CairnException>(() => store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.Failed, ExpectedState = ExecutionState.Running }, "node:n-1", TestContext.Token));

        Assert.Equal(ErrorCode.Conflict, illegal.Code);
        Assert.Equal(ErrorCode.Conflict, stale.Code);
        Assert.Equal(ExecutionState.New, (await store.GetExecutionAsync(execution.Id, TestContext.Token))!.State);
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateExecution_ForUnknownJob_IsConflict()
    {
        using var store = await OpenAsync();

        var e = await Assert.ThrowsAsync<CairnException>(() => store.CreateExecutionAsync(Execution(JobId.New()), "scheduler", TestContext.Token));

        Assert.Equal(ErrorCode.Conflict, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task History_CannotBeUpdatedOrDeleted()
    {
        using var store = await OpenAsync();
        await store.CreateJobAsync(TestJobs.Noop(), null, "client", TestContext.Token);

        var update = await Assert.ThrowsAsync<SqliteException>(() => ScalarAsync("UPDATE history SET actor = 'mallory'"));
        var delete = await Assert.ThrowsAsync<SqliteException>(() => ScalarAsync("DELETE FROM history"));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM history"));
    }

    [Fact(Timeout = 60_000)]
    public async Task ListJobs_FiltersByStateNewestFirst()
    {
        using var store = await OpenAsync();
        var first = TestJobs.Noop();
        var second = TestJobs.Noop();
        await store.CreateJobAsync(first, null, "client", TestContext.Token);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await store.CreateJobAsync(second, null, "client", TestContext.Token);
        await store.UpdateJobStateAsync(first.Id, JobState.Failed, "boom", "scheduler", TestContext.Token);

        Assert.Equal([second.Id, first.Id], (await store.ListJobsAsync(cancellationToken: TestContext.Token)).Select(j => j.Job.Id));
        Assert.Equal([first.Id], (await store.ListJobsAsync(JobState.Failed, cancellationToken: TestContext.Token)).Select(j => j.Job.Id));
    }

    [Fact(Timeout = 60_000)]
    public async Task UpdateExecution_WhoseFollowUpCannotBeStored_ChangesNothing()
    {
        using var store = await OpenAsync();
        var job = TestJobs.Noop();
        await store.CreateJobAsync(job, null, "client", TestContext.Token);
        var execution = Execution(job.Id);
        await store.CreateExecutionAsync(execution, "scheduler", TestContext.Token);
        var historyBefore = (await store.GetHistoryAsync(job.Id, TestContext.Token)).Count;

        // The follow-up names a job that does not exist: its insert fails, and the whole change with it.
        var update = new ExecutionUpdate { State = ExecutionState.Failed, Message = "boom", FollowUp = Evaluation(JobId.New()) };
        await Assert.ThrowsAsync<CairnException>(() => store.UpdateExecutionAsync(execution.Id, update, "node:n-1", TestContext.Token));

        Assert.Equal(ExecutionState.New, (await store.GetExecutionAsync(execution.Id, TestContext.Token))!.State);
        Assert.Equal(historyBefore, (await store.GetHistoryAsync(job.Id, TestContext.Token)).Count);
        Assert.Empty(await store.GetEvaluationsAsync(job.Id, TestContext.Token));
    }
}
