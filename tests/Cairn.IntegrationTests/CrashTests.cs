using Cairn.Client;
using Cairn.Jobs;
using Cairn.Market;

namespace Cairn.IntegrationTests;

/// <summary>kill -9 a real <c>cairn serve</c> with jobs running, restart it on the same home: nothing is lost or left open.</summary>
public class CrashTests
{
    [Fact(Timeout = 180_000)]
    public async Task Kill9WithJobsRunning_RestartOnTheSameHome_EveryJobEndsAndNoDealStaysOpen()
    {
        var ct = TestContext.Current;
        using var dir = new TempDir();
        var home = dir.Combine("home");
        var jobIds = new List<string>();
        using (var first = await CairnProcess.ServeAsync(home, ct))
        {
            using var client = new CairnClient(first.Api);

            // Two jobs that each burn about 2 s of fuel, a noop, and one that never ends by itself.
            jobIds.Add((await client.SubmitJobAsync(Modules.TasksSpec(["sleepy", "600"], jobExtra: "Payment: {Budget: 1000000}\n"), null, ct)).JobID);
            jobIds.Add((await client.SubmitJobAsync(Modules.TasksSpec(["sleepy", "600"], jobExtra: "Payment: {Budget: 1000000}\n"), null, ct)).JobID);
            jobIds.Add((await client.SubmitJobAsync("Name: noop\nTasks:\n  - Engine: {Type: noop}\n", null, ct)).JobID);
            jobIds.Add((await client.SubmitJobAsync(Modules.TasksSpec(["loop"], taskExtra: "    Timeouts: {ExecutionTimeout: 2}\n", jobExtra: "Payment: {Budget: 1000000000}\n"), null, ct)).JobID);

            // Kill it while executions run (and so while their deals are open).
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var running = 0;
                foreach (var id in jobIds)
                {
                    running += (await client.GetJobAsync(id, ct)).Executions.Count(e => e.State == ExecutionState.Running);
                }

                if (running >= 2 || DateTime.UtcNow > deadline)
                {
                    Assert.True(running >= 2, "no executions were running before the kill");
                    break;
                }

                await Task.Delay(20, ct);
            }

            first.Kill9();
        }

        using (var second = await CairnProcess.ServeAsync(home, ct))
        {
            using var client = new CairnClient(second.Api);
            foreach (var id in jobIds)
            {
                var deadline = DateTime.UtcNow.AddSeconds(90);
                while (true)
                {
                    var job = await client.GetJobAsync(id, ct);
                    var settled = JobStateMachine.IsTerminal(job.Job.State)
                        && job.Executions.All(e => ExecutionStateMachine.IsTerminal(e.State) && e.DealStatus is null or not DealStatus.Open);
                    if (settled)
                    {
                        break;
                    }

                    Assert.True(DateTime.UtcNow < deadline, $"job {id} is still {job.Job.State} after the restart: {string.Join(", ", job.Executions.Select(e => $"{e.State}/{e.DealStatus}"))}");
                    await Task.Delay(50, ct);
                }
            }

            // The sleepy jobs were retried after "node restarted" and completed; the loop timed out.
            var sleepy = await client.GetJobAsync(jobIds[0], ct);
            Assert.Equal(JobState.Completed, sleepy.Job.State);
            Assert.Contains(sleepy.Executions, e => e.State == ExecutionState.Failed && (e.StateMessage ?? string.Empty).Contains("restart", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(JobState.Failed, (await client.GetJobAsync(jobIds[3], ct)).Job.State);
            Assert.Equal(0, await second.TerminateAsync(ct));
        }

        var verify = await CairnProcess.RunAsync(["ledger", "verify", "--home", home], ct, home);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("ok", verify.Stdout, StringComparison.Ordinal);
    }
}
