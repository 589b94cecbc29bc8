using Cairn.Jobs;
using Cairn.Orchestrator.Scheduling;
using Cairn.Orchestrator.Tests.Scheduling;

namespace Cairn.Orchestrator.Tests.Market;

/// <summary>
/// The child process of the market crash test: a whole orchestrator with a ledger, two workers and
/// a fake node, fed jobs (paid, some by a client that cannot pay; some that complete, fail or keep
/// running) until it is killed. Prints the number of jobs submitted so far.
/// </summary>
internal static class MarketCrashChild
{
    public static async Task RunAsync(string dir, string seed)
    {
        await using var h = await MarketHarness.AttachAsync(dir, seed, new SchedulerOptions { RetryBackoff = TimeSpan.Zero });
        var node = h.AddNode();
        using var stop = new CancellationTokenSource();
        // Never awaited: the process ends by SIGKILL.
        _ = Task.WhenAll(Enumerable.Range(0, 2).Select(i => h.Worker($"child-w{i}").RunAsync(stop.Token)));
        FakeBehavior[] behaviors = [FakeBehavior.Complete, FakeBehavior.Complete, FakeBehavior.Fail, FakeBehavior.RunUntilTold];
        for (var n = 1; ; n++)
        {
            node.Behavior = behaviors[n % behaviors.Length];
            var client = n % 9 == 0 ? h.Poor.Did.Text : null;
            await h.Orchestrator.SubmitAsync(TestJobs.Noop(payment: new Payment { Budget = 700, Client = client }), cancellationToken: CancellationToken.None);
            // Every tenth line also says how many executions run under an open deal and how many
            // deals settled, so the parent kills only once there is work in flight and work paid.
            Console.WriteLine(n % 10 == 0 ? $"{n} {await CountAsync(h)}" : n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Task.Delay(3);
        }
    }

    private static async Task<string> CountAsync(MarketHarness h)
    {
        var running = 0;
        var settled = 0;
        foreach (var job in await h.Store.ListJobsAsync(limit: 10_000, cancellationToken: CancellationToken.None))
        {
            foreach (var e in await h.Store.GetExecutionsAsync(job.Job.Id, CancellationToken.None))
            {
                running += e.State == ExecutionState.Running && e.DealStatus == Cairn.Market.DealStatus.Open ? 1 : 0;
                settled += e.DealStatus == Cairn.Market.DealStatus.Settled ? 1 : 0;
            }
        }

        return $"{running} {settled}";
    }
}
