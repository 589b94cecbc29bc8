using System.Diagnostics;
using Cairn.Jobs;
using Cairn.Orchestrator.Store;
using Microsoft.Data.Sqlite;

namespace Cairn.Orchestrator.Tests.Store;

public sealed class ProcessCrashTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = 120_000)]
    public async Task KilledWriter_LeavesAStoreWhoseStatesMatchTheirHistory()
    {
        var db = _dir.Combine("jobs.db");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(typeof(CrashWriter).Assembly.Location);
        psi.ArgumentList.Add("crash-writer");
        psi.ArgumentList.Add(db);
        using var child = Process.Start(psi)!;
        var errors = child.StandardError.ReadToEndAsync(TestContext.Token);
        var finished = 0;
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(45)))
        {
            try
            {
                while (finished < 30 && await child.StandardOutput.ReadLineAsync(wait.Token) is { } line)
                {
                    finished = int.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (finished < 30)
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"the writer finished {finished} jobs; it said: {await errors}");
        }

        // SIGKILL in the middle of whatever transaction it is in.
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync(TestContext.Token);

        using var store = await SqliteJobStore.OpenAsync(db, TimeProvider.System, TestContext.Token);
        await using (var connection = new SqliteConnection($"Data Source={db}"))
        {
            await connection.OpenAsync(TestContext.Token);
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync(TestContext.Token));
        }

        var jobs = await store.ListJobsAsync(limit: 10_000, cancellationToken: TestContext.Token);
        Assert.True(jobs.Count >= finished);
        foreach (var job in jobs)
        {
            var history = await store.GetHistoryAsync(job.Job.Id, TestContext.Token);
            Assert.Equal(job.State.ToString(), history.Last(h => h.Kind == HistoryKind.Job).NewState);
            foreach (var execution in await store.GetExecutionsAsync(job.Job.Id, TestContext.Token))
            {
                Assert.Equal(execution.State.ToString(), history.Last(h => h.ExecutionId == execution.Id).NewState);
                if (execution.State == ExecutionState.Completed)
                {
                    // The report and the evaluation it called for were one transaction.
                    Assert.Equal(2, (await store.GetEvaluationsAsync(job.Job.Id, TestContext.Token)).Count);
                }
            }
        }

        Assert.True(jobs.Count(j => j.State == JobState.Completed) >= finished);
    }
}
