// The whole loop's speed on the embedded node (bench/loop-bench.sh). A trivial Wasm job (an empty
// _start, inline in the spec) is submitted over the REST API; completion is watched in the node's job
// store (cheap, so watching does not load the API). Printed: submit-to-completed latency p50/p99 one
// job at a time, and sustained jobs/s with many in flight, with the market on (a deal opened and
// settled on the ledger per job) and off, plus a bare WasiRunner call of the same module; ratios are
// against those baselines, all measured in this run. The phase table shows where a job's time goes.
using System.Diagnostics;
using System.Globalization;
using Cairn.Client;
using Cairn.Jobs;
using Cairn.Market;
using Cairn.Node;
using Cairn.Wasm;
using Cairn.Wasm.Wasi;

var latencyJobs = Arg("--latency-jobs", 200);
var throughputJobs = Arg("--throughput-jobs", 500);
var workers = Arg("--workers", 2);
var concurrency = Arg("--concurrency", 32);
const string ModuleBase64 = "AGFzbQEAAAABBAFgAAADAgEABwoBBl9zdGFydAAACgQBAgAL";
const string Spec = "Name: trivial\nTasks:\n  - Engine:\n      Type: wasm\n      Params:\n        EntryModule: \"data:application/wasm;base64," + ModuleBase64 + "\"\nPayment: {Budget: 1000}\n";

Console.WriteLine($"Cairn loop benchmark: {Environment.ProcessorCount} cores, {workers} workers, {latencyJobs} latency jobs, {throughputJobs} throughput jobs ({concurrency} submits in flight)");
Console.WriteLine();

var bare = await BareRunnerAsync(Math.Max(latencyJobs, 1000));
var on = await ScenarioAsync(market: true);
var off = await ScenarioAsync(market: false);

Console.WriteLine();
Console.WriteLine($"{"",-34} {"p50 ms",9} {"p99 ms",9} {"mean ms",9} {"jobs/s",9}");
Print("bare WasiRunner call (baseline)", bare.Latency, bare.JobsPerSecond);
Print("node, market off (baseline)", off.Latency, off.JobsPerSecond);
Print("node, market on (settlement)", on.Latency, on.JobsPerSecond);
Console.WriteLine();
Console.WriteLine($"market on vs off:   p50 x{Ratio(on.Latency.P50, off.Latency.P50)}, throughput x{Ratio(on.JobsPerSecond, off.JobsPerSecond)}");
Console.WriteLine($"market on vs bare:  p50 x{Ratio(on.Latency.P50, bare.Latency.P50)}, throughput x{Ratio(on.JobsPerSecond, bare.JobsPerSecond)}");
Console.WriteLine($"settled (deal closed on the ledger) jobs/s with the market on: {on.SettledPerSecond:F1}");
Console.WriteLine($"bar: p50 <= 50 ms -> {(on.Latency.P50 <= 50 ? "met" : "NOT met")}; >= 100 jobs/s -> {(on.JobsPerSecond >= 100 ? "met" : "NOT met")}");
Console.WriteLine();
Console.WriteLine("where a job's time goes (market on, mean over the latency jobs, ms from submit):");
foreach (var (phase, ms) in on.Phases)
{
    Console.WriteLine($"  {phase,-34} {ms,8:F2}");
}

return 0;

async Task<(Stats Latency, double JobsPerSecond)> BareRunnerAsync(int runs)
{
    var compiled = WasmEngine.Shared.Compile(Convert.FromBase64String(ModuleBase64));
    var config = new WasiConfig { Stdout = Stream.Null, Stderr = Stream.Null };
    for (var i = 0; i < 50; i++)
    {
        await WasiRunner.RunAsync(compiled, config);
    }

    var samples = new List<double>(runs);
    var total = Stopwatch.StartNew();
    for (var i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        await WasiRunner.RunAsync(compiled, config);
        samples.Add(sw.Elapsed.TotalMilliseconds);
    }

    return (Stats.Of(samples), runs / total.Elapsed.TotalSeconds);
}

async Task<Result> ScenarioAsync(bool market)
{
    var label = market ? "market on" : "market off";
    var home = Path.Combine(Path.GetTempPath(), "cairn-loop-bench-" + Guid.NewGuid().ToString("N")[..8]);
    try
    {
        var options = new NodeOptions
        {
            Home = home,
            ApiAddress = "127.0.0.1:0",
            Workers = workers,
            MarketEnabled = market,
        };
        await using var node = await CairnNode.StartAsync(options, CancellationToken.None);
        using var client = new CairnClient(node.ApiUrl);

        // Warm up: JIT, the module compile cache, SQLite pages, the ledger's first blocks.
        for (var i = 0; i < 20; i++)
        {
            await RunOneAsync(node, client);
        }

        // ...and a burst like the measured one, so what is measured is the sustained rate, not the
        // JIT tiering up the node's code (seconds of background compilation on two cores).
        await BurstAsync(node, client, Math.Min(throughputJobs, 300));

        var latencies = new List<double>(latencyJobs);
        var sample = new List<JobId>(latencyJobs);
        for (var i = 0; i < latencyJobs; i++)
        {
            var (id, ms) = await RunOneAsync(node, client);
            latencies.Add(ms);
            sample.Add(id);
        }

        var phases = await PhasesAsync(node, sample);
        Console.WriteLine($"{label}: latency measured ({latencyJobs} jobs, one at a time)");

        var clock = Stopwatch.StartNew();
        var ids = await SubmitAllAsync(client, throughputJobs);
        var submitted = clock.Elapsed.TotalSeconds;
        await WaitAllCompletedAsync(node, ids);
        var completedAt = clock.Elapsed.TotalSeconds;
        var settledPerSecond = 0.0;
        if (market)
        {
            foreach (var id in ids)
            {
                while ((await node.Jobs.GetExecutionsAsync(id)).Any(e => e.DealStatus is null or DealStatus.Open))
                {
                    await Task.Delay(10);
                }
            }

            settledPerSecond = throughputJobs / clock.Elapsed.TotalSeconds;
        }

        Console.WriteLine($"{label}: {throughputJobs} jobs submitted in {submitted:F2} s, all completed after {completedAt:F2} s");
        return new Result(Stats.Of(latencies), throughputJobs / completedAt, settledPerSecond, phases);
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

async Task<JobId[]> SubmitAllAsync(CairnClient client, int count)
{
    var ids = new JobId[count];
    using var gate = new SemaphoreSlim(concurrency);
    var submits = Enumerable.Range(0, count).Select(async i =>
    {
        await gate.WaitAsync();
        try
        {
            ids[i] = JobId.Parse((await client.SubmitJobAsync(Spec)).JobID);
        }
        finally
        {
            gate.Release();
        }
    }).ToList();
    await Task.WhenAll(submits);
    return ids;
}

// Watches one job at a time, oldest first: a job seen completed is never read again, so the watcher
// costs one small read per 10 ms whatever the backlog (reading every pending job each round took a
// core of its own with hundreds queued, CPU the node under test then lacked).
async Task WaitAllCompletedAsync(CairnNode node, IEnumerable<JobId> ids)
{
    foreach (var id in ids)
    {
        while (true)
        {
            var job = await node.Jobs.GetJobAsync(id);
            if (job!.State == JobState.Completed)
            {
                break;
            }

            if (JobStateMachine.IsTerminal(job.State))
            {
                throw new InvalidOperationException($"job {id} ended {job.State}: {job.StateMessage}");
            }

            await Task.Delay(10);
        }
    }
}

async Task BurstAsync(CairnNode node, CairnClient client, int count) =>
    await WaitAllCompletedAsync(node, await SubmitAllAsync(client, count));

async Task<(JobId Id, double Ms)> RunOneAsync(CairnNode node, CairnClient client)
{
    var sw = Stopwatch.StartNew();
    var id = JobId.Parse((await client.SubmitJobAsync(Spec)).JobID);
    while (true)
    {
        var job = await node.Jobs.GetJobAsync(id);
        if (job!.State == JobState.Completed)
        {
            return (id, sw.Elapsed.TotalMilliseconds);
        }

        if (JobStateMachine.IsTerminal(job.State))
        {
            throw new InvalidOperationException($"job {id} ended {job.State}: {job.StateMessage}");
        }

        await Task.Delay(1);
    }
}

// Mean time from the job's creation to each state change in its history (the audit log's timestamps).
async Task<List<(string Phase, double Ms)>> PhasesAsync(CairnNode node, List<JobId> jobs)
{
    var sums = new Dictionary<string, (double Sum, int Count, int Order)>(StringComparer.Ordinal);
    foreach (var id in jobs)
    {
        var history = await node.Jobs.GetHistoryAsync(id);
        var start = history[0].Time;
        foreach (var h in history)
        {
            var key = (h.ExecutionId is null ? "job " : "execution ") + h.NewState + (h.Details is { } d && d.StartsWith("deal", StringComparison.Ordinal) ? " (" + Ids().Replace(d, "…")[..Math.Min(28, Ids().Replace(d, "…").Length)] + ")" : string.Empty);
            var ms = (h.Time - start).TotalMilliseconds;
            sums[key] = sums.TryGetValue(key, out var s) ? (s.Sum + ms, s.Count + 1, s.Order) : (ms, 1, sums.Count);
        }
    }

    return sums.OrderBy(kv => kv.Value.Sum / kv.Value.Count).Select(kv => (kv.Key, kv.Value.Sum / kv.Value.Count)).ToList();
}

static void Print(string name, Stats s, double jobsPerSecond) =>
    Console.WriteLine($"{name,-34} {s.P50,9:F2} {s.P99,9:F2} {s.Mean,9:F2} {jobsPerSecond,9:F1}");

static string Ratio(double a, double b) => b <= 0 ? "-" : (a / b).ToString("F2", CultureInfo.InvariantCulture);

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal static partial class Program
{
    [System.Text.RegularExpressions.GeneratedRegex(@"e-[0-9a-f-]{36}|baf[a-z2-7]+|\d+")]
    private static partial System.Text.RegularExpressions.Regex Ids();
}

internal sealed record Result(Stats Latency, double JobsPerSecond, double SettledPerSecond, List<(string Phase, double Ms)> Phases);

internal sealed record Stats(double P50, double P99, double Mean)
{
    public static Stats Of(List<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return new Stats(sorted[sorted.Length / 2], sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.99) - 1)], sorted.Average());
    }
}
