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
            Console.WriteLine(n);
            await Task.Delay(3);
        }
    }
}
