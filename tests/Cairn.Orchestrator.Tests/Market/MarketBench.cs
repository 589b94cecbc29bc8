using System.Diagnostics;
using System.Globalization;
using Cairn.Jobs;
using Cairn.Ledger.Market;
using Cairn.Market;
using Cairn.Orchestrator.Scheduling;

namespace Cairn.Orchestrator.Tests.Market;

/// <summary>
/// Not a test: a measurement, run by hand, that prints ratios against baselines taken in the same run.
///   dotnet run -c Release --project tests/Cairn.Orchestrator.Tests -- market-bench [--deals N] [--jobs N] [--workers N]
/// 1. LedgerMarket: N deal opens awaited one by one (each waits for its block) against N opens in
///    flight at once (local nonces let them share blocks).
/// 2. The scheduler over a real job store and ledger: N paid jobs (two deal transactions each)
///    against N free jobs, with the same workers and the same fake node.
/// </summary>
internal static class MarketBench
{
    public static async Task RunAsync(string[] args)
    {
        var deals = Arg(args, "--deals", 400);
        var jobs = Arg(args, "--jobs", 400);
        var workers = Arg(args, "--workers", 8);
        Console.WriteLine($"cairn market bench: {deals} deals, {jobs} jobs, {workers} workers, {Environment.ProcessorCount} cores");

        await using (var h = await MarketHarness.CreateAsync())
        {
            var sequential = await OpenDealsAsync(h.Market, h, "seq", deals, concurrent: false);
            var concurrent = await OpenDealsAsync(h.Market, h, "con", deals, concurrent: true);
            Console.WriteLine($"deal.open awaited one by one : {deals / sequential.TotalSeconds,8:0} opens/s");
            Console.WriteLine($"deal.open {deals} in flight    : {deals / concurrent.TotalSeconds,8:0} opens/s   ({sequential / concurrent:0.0}x)");
        }

        // Warm up (JIT, SQLite) both paths before either is timed.
        await RunJobsAsync(50, workers, paid: false);
        await RunJobsAsync(50, workers, paid: true);
        var free = await RunJobsAsync(jobs, workers, paid: false);
        var paid = await RunJobsAsync(jobs, workers, paid: true);
        Console.WriteLine($"scheduler, free jobs         : {jobs / free.TotalSeconds,8:0} jobs/s");
        Console.WriteLine($"scheduler, paid jobs         : {jobs / paid.TotalSeconds,8:0} jobs/s   (paid takes {paid / free:0.00}x the free time: open + settle per job)");
    }

    private static async Task<TimeSpan> OpenDealsAsync(LedgerMarket market, MarketHarness h, string prefix, int count, bool concurrent)
    {
        DealRequest Request(int i) => new()
        {
            DealId = $"{prefix}-{i}",
            Client = h.Client.Did.Text,
            Provider = h.Provider.Did.Text,
            OfferId = "wasm",
            Job = "bench",
            Execution = $"{prefix}-{i}",
            Budget = 10,
            Deadline = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000,
        };

        var sw = Stopwatch.StartNew();
        if (concurrent)
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(i => market.OpenDealAsync(Request(i), CancellationToken.None).AsTask()));
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                await market.OpenDealAsync(Request(i), CancellationToken.None);
            }
        }

        var elapsed = sw.Elapsed;

        // Give the collateral back before the next round (not timed).
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => market.FailDealAsync($"{prefix}-{i}", "bench", CancellationToken.None).AsTask()));
        return elapsed;
    }

    private static async Task<TimeSpan> RunJobsAsync(int count, int workers, bool paid)
    {
        await using var h = await MarketHarness.CreateAsync(new SchedulerOptions { PollInterval = TimeSpan.FromMilliseconds(1) });
        h.AddNode();
        for (var i = 0; i < count; i++)
        {
            await h.Orchestrator.SubmitAsync(TestJobs.Noop(payment: paid ? new Payment { Budget = 500 } : null), cancellationToken: CancellationToken.None);
        }

        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(i => Task.Run(() => h.Worker($"w{i}").DrainAsync(CancellationToken.None))));
        var elapsed = sw.Elapsed;
        var done = (await h.Store.ListJobsAsync(JobState.Completed, count, CancellationToken.None)).Count;
        if (done != count)
        {
            throw new InvalidOperationException($"only {done} of {count} jobs completed");
        }

        if (paid)
        {
            var (_, escrow, _) = h.Ledger.GetTotals();
            if (escrow != 0)
            {
                throw new InvalidOperationException($"{escrow} left in escrow");
            }
        }

        return elapsed;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
