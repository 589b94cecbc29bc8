using System.Diagnostics;
using Cairn.Jobs;
using Cairn.Market;
using Cairn.Orchestrator.Scheduling;

namespace Cairn.Orchestrator.Tests.Market;

/// <summary>Kill -9 a whole orchestrator with a ledger mid-flight; restart; every job ends and no deal stays open.</summary>
public sealed class MarketProcessCrashTests
{
    [Fact(Timeout = 180_000)]
    public async Task KilledOrchestrator_AfterRecovery_EveryJobTerminalAndNoDealOpen()
    {
        var seed = Guid.NewGuid().ToString("N");
        var h = await MarketHarness.CreateAsync(new SchedulerOptions { RetryBackoff = TimeSpan.Zero }, seed: seed);
        await using var cleanup = h;
        await h.CloseAsync();

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(typeof(MarketCrashChild).Assembly.Location);
        psi.ArgumentList.Add("market-crash");
        psi.ArgumentList.Add(h.Dir);
        psi.ArgumentList.Add(seed);
        using var child = Process.Start(psi)!;
        var errors = child.StandardError.ReadToEndAsync(TestContext.Token);
        var submitted = 0;
        var last = string.Empty;
        var ready = false;
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            try
            {
                // Kill once at least 60 jobs are in and the child saw an execution running under an
                // open deal and a deal settled: a loaded machine may need longer to get there.
                while (await child.StandardOutput.ReadLineAsync(wait.Token) is { } line)
                {
                    last = line;
                    var parts = line.Split(' ');
                    submitted = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                    if (submitted >= 60 && parts.Length == 3 && parts[1] != "0" && parts[2] != "0")
                    {
                        ready = true;
                        break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync(TestContext.Token);
        Assert.True(ready, $"the child submitted {submitted} jobs (last line: {last}); it said: {await errors}");

        // Restart: the node restarted too, so it knows none of the executions it was running.
        await h.OpenAsync();
        h.AddNode();
        await h.Orchestrator.RecoverAsync([NodeId.Parse("n-provider")], TestContext.Token);
        var jobs = await h.Store.ListJobsAsync(limit: 10_000, cancellationToken: TestContext.Token);
        Assert.True(jobs.Count >= submitted);
        for (var round = 0; round < 20 && jobs.Any(j => !JobStateMachine.IsTerminal(j.State)); round++)
        {
            await h.DrainAsync();
            h.Clock.Advance(TimeSpan.FromMinutes(1));
            jobs = await h.Store.ListJobsAsync(limit: 10_000, cancellationToken: TestContext.Token);
        }

        var settled = 0;
        var restarted = 0;
        foreach (var job in jobs)
        {
            Assert.True(JobStateMachine.IsTerminal(job.State), $"job {job.Job.Id} is {job.State}");
            foreach (var e in await h.ExecutionsAsync(job.Job.Id))
            {
                Assert.True(ExecutionStateMachine.IsTerminal(e.State), $"execution {e.Id} is {e.State}");
                restarted += e.StateMessage?.Contains("restarted", StringComparison.Ordinal) == true ? 1 : 0;
                if (e.DealId is not null)
                {
                    Assert.NotNull(e.DealStatus);
                    Assert.NotEqual(DealStatus.Open, e.DealStatus);
                    var deal = await h.Market.GetDealAsync(e.DealId, TestContext.Token);
                    Assert.Equal(e.DealStatus, deal!.Status);
                    settled += deal.Status == DealStatus.Settled ? 1 : 0;
                }
            }
        }

        // The kill found work in flight (executions the restarted node had lost) and paid work done.
        Assert.True(restarted > 0);
        Assert.True(settled > 0);
        await h.AssertLedgerSoundAsync();
    }
}
