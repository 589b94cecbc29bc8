// Scheduling latency with many registered nodes (issue 6's bar: p50 <= 5 ms per placement with 1,000).
// A real SqliteJobStore and the real scheduler (NodeSelector.Default, every ranker) place noop jobs on
// simulated nodes that answer at once (in-process IComputeNode: their own latency is not the
// scheduler's); every node holds part of one input, so the data-locality ranker has work too. Each
// placement is one evaluation pass, timed from claim to ack. The baseline is the same run with one
// node, so the ratio shows what the node count costs. With --rtt MS each simulated node answers its
// info after MS milliseconds, like a remote node over its WebSocket (locality comes from the provider
// records, no round trip): the scheduler asks all nodes at once, so the ratio stays near 1 instead of
// growing with the node count. Usage: [--nodes N] [--jobs N] [--rtt MS]
using System.Diagnostics;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Jobs.Specs;
using Cairn.Multiformats;
using Cairn.Orchestrator;
using Cairn.Orchestrator.Ranking;
using Cairn.Orchestrator.Scheduling;
using Cairn.Orchestrator.Store;
using Cairn.Orchestrator.Specs;

var nodes = Arg("--nodes", 1000);
var jobs = Arg("--jobs", 300);
var rtt = TimeSpan.FromMilliseconds(Arg("--rtt", 0));
Console.WriteLine($"Cairn scheduling benchmark: {Environment.ProcessorCount} cores, {jobs} placements, {nodes} simulated nodes vs 1{(rtt > TimeSpan.Zero ? $", each answering after {rtt.TotalMilliseconds} ms" : "")}");
var one = await RunAsync(1);
var many = await RunAsync(nodes);
Console.WriteLine();
Console.WriteLine($"{"",-28} {"p50 ms",8} {"p99 ms",8} {"mean ms",8}");
Print("1 node (baseline)", one);
Print($"{nodes} nodes", many);
Console.WriteLine();
Console.WriteLine($"{nodes} nodes vs 1: p50 x{many[jobs / 2] / one[jobs / 2]:F2}");
Console.WriteLine(rtt > TimeSpan.Zero
    ? $"with a {rtt.TotalMilliseconds} ms round trip per node, asked one after another a placement would take at least {nodes * rtt.TotalMilliseconds:N0} ms"
    : $"bar: p50 <= 5 ms per placement with {nodes} nodes -> {(many[jobs / 2] <= 5 ? "met" : "NOT met")}");
return 0;

async Task<double[]> RunAsync(int count)
{
    var dir = Directory.CreateTempSubdirectory("cairn-sched-bench-");
    try
    {
        var time = TimeProvider.System;
        using var store = await SqliteJobStore.OpenAsync(Path.Combine(dir.FullName, "jobs.db"), time);
        var validator = new JobSpecValidator(["noop"]);
        var orchestrator = new JobOrchestrator(store, validator, time);
        var directory = new InMemoryNodeDirectory();
        var input = Cid.Compute(1, Multicodec.Raw, "input"u8);
        for (var i = 0; i < count; i++)
        {
            directory.Add(new SimulatedNode($"n-{i:D5}", i % 7 == 0 ? i * 10L : 0, rtt));
        }

        var options = new SchedulerOptions();
        var scheduler = new JobScheduler(store, directory, NodeSelector.Default, options, time);
        var worker = new EvaluationWorker(store, scheduler, options, time);
        var spec = $"Name: bench\nTasks:\n  - Engine: {{Type: noop}}\n    InputSources:\n      - Target: /in\n        Source: {{Type: ipfs, Params: {{CID: {input}}}}}\n";

        // Warm up (JIT, SQLite pages), then time each pass that places a job.
        var samples = new List<double>(jobs);
        for (var round = 0; round < 2; round++)
        {
            var n = round == 0 ? Math.Min(50, jobs) : jobs;
            for (var i = 0; i < n; i++)
            {
                await orchestrator.SubmitAsync(JobSpecParser.ParseAndValidate(spec, validator));
            }

            for (var i = 0; i < n; i++)
            {
                var sw = Stopwatch.StartNew();
                if (!await worker.RunOnceAsync())
                {
                    throw new InvalidOperationException("no evaluation was ready");
                }

                if (round == 1)
                {
                    samples.Add(sw.Elapsed.TotalMilliseconds);
                }
            }
        }

        var placed = (await store.ListJobsAsync(null, 10_000)).Count(j => j.State == JobState.Running);
        if (placed < jobs)
        {
            throw new InvalidOperationException($"only {placed} of {jobs} jobs were placed");
        }

        samples.Sort();
        return [.. samples];
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }
}

void Print(string label, double[] sorted) =>
    Console.WriteLine($"{label,-28} {sorted[sorted.Length / 2],8:F2} {sorted[(int)(sorted.Length * 0.99)],8:F2} {sorted.Average(),8:F2}");

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

/// <summary>A registered node that answers at once: accepts every bid and starts nothing (the job stays Running).</summary>
internal sealed class SimulatedNode(string id, long localBytes, TimeSpan rtt) : IComputeNode
{
    private static readonly Resources Capacity = new() { CpuMillis = 4000, MemoryBytes = 8L << 30, DiskBytes = 100L << 30 };

    public NodeId Id { get; } = NodeId.Parse(id);

    public async Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        if (rtt > TimeSpan.Zero)
        {
            await Task.Delay(rtt, cancellationToken);
        }

        return new NodeInfo { Id = Id, Engines = ["noop"], Labels = new Dictionary<string, string>(), Capacity = Capacity, Available = Capacity };
    }

    public Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default) => Task.FromResult(localBytes);

    public Task<BidResult> AskBidAsync(AskBidRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new BidResult { ExecutionId = request.ExecutionId, Accepted = true });

    public Task BidAcceptedAsync(BidAcceptedRequest request, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task CancelAsync(CancelExecutionRequest request, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
