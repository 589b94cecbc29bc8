using System.Globalization;
using Cairn.ApiModels;
using Cairn.Client;
using Cairn.Jobs;
using Cairn.Storage;

namespace Cairn.IntegrationTests;

/// <summary>
/// Real processes on loopback, as `cairn devstack` starts them: one orchestrator (`serve --no-compute`, with the
/// market on where a test says so) and compute-only nodes (`serve --join`), each with its own home.
/// </summary>
public class NetworkTests
{
    private const string LostTimeout = "4";

    [Fact(Timeout = 240_000)]
    public async Task Devstack_JobWithCount3_SpreadsOverNodes_AndKill9OfOneIsRescheduledAndCompletesOnce()
    {
        var ct = TestContext.Current;
        using var dir = new TempDir();
        // The market is on: every execution has a deal on the orchestrator's ledger, paid to the remote node.
        using var orchestrator = await StartAsync(Orchestrator(dir.Combine("orchestrator"), market: true), dir.Combine("orchestrator"), ct);
        using var computes = await ComputeSet.StartAsync(dir, 3, orchestrator.Api, LostTimeout, ct);
        using var client = new CairnClient(orchestrator.Api);
        await WaitForNodesAsync(client, 3, ct);

        // Each execution asks for every processor, so a node fits one at a time and the three spread.
        var spec = Modules.TasksSpec(["sleepy", "1200"], taskExtra: $"    Resources: {{CPU: \"{Environment.ProcessorCount}\"}}\n", jobExtra: "Count: 3\nPayment: {Budget: 10000000}\n");
        var jobId = (await client.SubmitJobAsync(spec, null, ct)).JobID;
        var running = await WaitForAsync(
            client,
            jobId,
            job => job.Executions.Count(e => e.State is ExecutionState.Running or ExecutionState.Publishing or ExecutionState.Completed) == 3
                && job.Executions.Any(e => e.State == ExecutionState.Running) ? job : null,
            "three executions started, one still running",
            ct);
        var nodes = running.Executions.Where(e => e.State != ExecutionState.BidRejected).Select(e => e.NodeID).ToHashSet();
        Assert.Equal(3, nodes.Count);

        // kill -9 the node of one running execution: no goodbye, its connection just goes silent.
        var victim = running.Executions.First(e => e.State == ExecutionState.Running);
        var victimProcess = ProcessOf(computes, victim.NodeID);
        victimProcess.Kill9();

        var done = await WaitForAsync(client, jobId, job => JobStateMachine.IsTerminal(job.Job.State) ? job : null, "the job to end", ct);
        Assert.True(
            done.Job.State == JobState.Completed,
            $"{done.Job.State}: {done.Job.StateMessage} | " + string.Join(" | ", done.Executions.Select(e => $"{e.NodeID[^6..]} {e.State} {e.StateMessage}")));
        var completed = done.Executions.Where(e => e.State == ExecutionState.Completed).ToList();
        Assert.Equal(3, completed.Count);
        Assert.DoesNotContain(completed, e => e.NodeID == victim.NodeID);
        var lost = Assert.Single(done.Executions, e => e.ID == victim.ID);
        Assert.Equal(ExecutionState.Failed, lost.State);
        Assert.Contains("no longer connected", lost.StateMessage ?? string.Empty, StringComparison.Ordinal);

        // The lost node is out of the directory.
        var listed = await client.ListNodesAsync(ct);
        Assert.DoesNotContain(listed.Items, n => n.Id.Value == victim.NodeID);

        // Settled once: each completion's deal paid, the lost execution's refunded, one deal per execution.
        var closed = await WaitForAsync(
            client,
            jobId,
            job => job.Executions.Where(e => e.DealID is not null).All(e => e.DealStatus is Cairn.Market.DealStatus.Settled or Cairn.Market.DealStatus.Failed) ? job : null,
            "every deal closed",
            ct);
        Assert.All(closed.Executions.Where(e => e.State == ExecutionState.Completed), e => Assert.Equal(Cairn.Market.DealStatus.Settled, e.DealStatus));
        Assert.Equal(Cairn.Market.DealStatus.Failed, closed.Executions.Single(e => e.ID == victim.ID).DealStatus);
        var dealt = closed.Executions.Where(e => e.DealID is not null).ToList();
        Assert.Equal(dealt.Count, dealt.Select(e => e.DealID).Distinct().Count());
        foreach (var e in dealt)
        {
            var deal = await client.GetDealAsync(e.DealID!, ct);
            Assert.Equal(e.DealStatus, deal.Status);
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task Devstack_ConnectionsCutMidJob_NothingLostOrDuplicated()
    {
        var ct = TestContext.Current;
        using var dir = new TempDir();
        using var orchestrator = await StartAsync(Orchestrator(dir.Combine("orchestrator"), lostTimeout: "60"), dir.Combine("orchestrator"), ct);
        await using var proxy = new LoopbackProxy(orchestrator.Api.Port);
        using var computes = await ComputeSet.StartAsync(dir, 2, proxy.Url, "60", ct);
        using var client = new CairnClient(orchestrator.Api);
        await WaitForNodesAsync(client, 2, ct);

        var jobIds = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            jobIds.Add((await client.SubmitJobAsync(Modules.TasksSpec(["sleepy", "150"], jobExtra: "Count: 2\n", name: "cut-" + i.ToString(CultureInfo.InvariantCulture)), null, ct)).JobID);
        }

        // Cut every compute connection while executions run, several times; the nodes dial again, and
        // the jobs can only finish if they do and their reports come through.
        var deadline = DateTime.UtcNow.AddSeconds(150);
        var cuts = 0;
        while (!await AllEndedAsync(client, jobIds, ct))
        {
            Assert.True(DateTime.UtcNow < deadline, "the jobs did not end");
            if (cuts < 4 && await AnyRunningAsync(client, jobIds, ct))
            {
                cuts += proxy.CutAll() > 0 ? 1 : 0;
            }

            await Task.Delay(300, ct);
        }

        Assert.True(cuts > 0, "no connection was cut while executions ran");

        foreach (var id in jobIds)
        {
            var job = await client.GetJobAsync(id, ct);
            Assert.Equal(JobState.Completed, job.Job.State);

            // Every execution that ran, ran once and reported once: none failed (a lost report would time
            // out or fail it), and the history shows one completion per execution. A bid asked just as its
            // node's connection was cut is passed over and placed again; that execution never started,
            // never had a deal and never ran, so it is neither lost nor duplicated.
            var history = await client.GetJobHistoryAsync(id, ct);
            var ran = job.Executions.Where(e => e.State != ExecutionState.BidRejected).ToList();
            Assert.Equal(2, ran.Count);
            Assert.All(ran, e => Assert.Equal(ExecutionState.Completed, e.State));
            foreach (var e in ran)
            {
                Assert.Equal(1, history.Items.Count(h => h.ExecutionID == e.ID && h.NewState == nameof(ExecutionState.Completed)));
            }

            foreach (var e in job.Executions.Except(ran))
            {
                Assert.Null(e.StartTime);
                Assert.Null(e.DealID);
                Assert.DoesNotContain(history.Items, h => h.ExecutionID == e.ID && h.NewState is nameof(ExecutionState.BidAccepted) or nameof(ExecutionState.Running));
            }
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task Devstack_JobWhoseInputLivesOnlyOnNode2_RunsOnNode2()
    {
        var ct = TestContext.Current;
        using var dir = new TempDir();
        var orchestratorHome = dir.Combine("orchestrator");
        using var orchestrator = await StartAsync(Orchestrator(orchestratorHome, market: true), orchestratorHome, ct);
        using var computes = await ComputeSet.StartAsync(dir, 3, orchestrator.Api, LostTimeout, ct);
        using var client = new CairnClient(orchestrator.Api);
        await WaitForNodesAsync(client, 3, ct);

        // The data is added on node 2 alone (a node's store is safe to add to while it runs).
        Directory.CreateDirectory(dir.Combine("in"));
        await File.WriteAllBytesAsync(dir.Combine("in", "big.bin"), new byte[600_000], ct);
        var root = await JobLoopTests.AddAsync(dir.Combine("compute-2"), dir.Combine("in"), ct);

        // Node 2 announces the new pin (provider records, looked at every 2 s): the orchestrator knows who has it.
        await WaitForProviderAsync(client, root, computes[1].Node!, ct);
        var spec = Modules.TasksSpec(
            ["upper", "/inputs", "/outputs/up"],
            taskExtra: $"    InputSources:\n      - Target: /inputs\n        Source: {{Type: ipfs, Params: {{CID: {root}}}}}\n    ResultPaths:\n      - {{Name: outputs, Path: /outputs}}\n");
        for (var round = 0; round < 3; round++)
        {
            var jobId = (await client.SubmitJobAsync(spec, null, ct)).JobID;
            var done = await WaitForAsync(client, jobId, job => JobStateMachine.IsTerminal(job.Job.State) ? job : null, "the job to end", ct);
            Assert.True(done.Job.State == JobState.Completed, done.Job.StateMessage);
            var execution = Assert.Single(done.Executions);
            Assert.Equal(computes[1].Node, execution.NodeID);
            Assert.Equal("local", Assert.Single(execution.Inputs!, i => i.Target == "/inputs").Source);
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task RemoteNode_PublishesItsOffer_FetchesTheInputFromTheOrchestrator_AndIsPaidOnItsLedger()
    {
        var ct = TestContext.Current;
        using var dir = new TempDir();
        var orchestratorHome = dir.Combine("orchestrator");
        using var orchestrator = await StartAsync(Orchestrator(orchestratorHome, market: true), orchestratorHome, ct);
        using var compute = await StartAsync([.. Compute(dir.Combine("compute"), orchestrator.Api), "--price", "1000"], dir.Combine("compute"), ct);
        using var client = new CairnClient(orchestrator.Api);
        await WaitForNodesAsync(client, 1, ct);
        var provider = compute.Node!;

        // The remote node signed its offer at home and sent it here: it is on the orchestrator's ledger.
        var offers = (await client.ListOffersAsync(ct)).Items;
        Assert.Contains(offers, o => o.Provider == provider && o.Active);
        var before = (await client.GetBalanceAsync(provider, ct)).Balance;

        // The input is added where the job is submitted; the compute node has none of it.
        Directory.CreateDirectory(dir.Combine("in"));
        await File.WriteAllTextAsync(dir.Combine("in", "words.txt"), "lives on the orchestrator\n", ct);
        var root = await JobLoopTests.AddAsync(orchestratorHome, dir.Combine("in"), ct);
        var spec = Modules.TasksSpec(
            ["upper", "/inputs", "/outputs/up"],
            taskExtra: $"    InputSources:\n      - Target: /inputs\n        Source: {{Type: ipfs, Params: {{CID: {root}}}}}\n    ResultPaths:\n      - {{Name: outputs, Path: /outputs}}\n",
            jobExtra: "Payment: {Budget: 50000}\n");
        var jobId = (await client.SubmitJobAsync(spec, null, ct)).JobID;
        var done = await WaitForAsync(client, jobId, job => JobStateMachine.IsTerminal(job.Job.State) ? job : null, "the job to end", ct);

        Assert.True(done.Job.State == JobState.Completed, done.Job.StateMessage + " / " + string.Join("; ", done.Executions.Select(e => e.StateMessage)));
        var execution = Assert.Single(done.Executions);
        Assert.Equal(provider, execution.NodeID);
        var input = Assert.Single(execution.Inputs!, i => i.Target == "/inputs");
        Assert.Equal("peer", input.Source);
        Assert.True(input.BytesMoved > 0);
        Assert.Equal(Cairn.Market.DealStatus.Settled, execution.DealStatus);
        Assert.True(execution.Paid > 0, "the fuel used should cost something at the node's price");
        Assert.Equal(before + execution.Paid, (await client.GetBalanceAsync(provider, ct)).Balance);

        // The result lives on the compute node; asked for it, the orchestrator's gateway fetches it from
        // there (verified) and serves it, so a client that only knows the orchestrator gets it.
        var output = Assert.Single((await client.GetJobResultsAsync(jobId, ct)).Items).Outputs["outputs"];
        using var mine = Cairn.Content.Storage.ContentRepo.Open(dir.Combine("client-store"));
        await client.ImportCarAsync(output, mine, pin: true, ct);
        var exporter = new Cairn.Content.UnixFs.UnixFsExporter(mine.Blocks);
        using var copy = new MemoryStream();
        await exporter.WriteFileAsync(await exporter.ResolvePathAsync(output + "/up/words.txt", ct), copy, ct);
        Assert.Equal("LIVES ON THE ORCHESTRATOR\n", System.Text.Encoding.UTF8.GetString(copy.ToArray()));
    }

    [Fact(Timeout = 240_000)]
    public async Task OrchestratorRestart_MidJob_TheRemoteExecutionLivesOnAndCompletesOnce()
    {
        var ct = TestContext.Current;
        using var dir = new TempDir();
        var home = dir.Combine("orchestrator");

        // The orchestrator's lost timeout is also how long after a start it waits for its nodes to dial in.
        var orchestrator = await StartAsync(Orchestrator(home, lostTimeout: "30"), home, ct);
        try
        {
            await using var proxy = new LoopbackProxy(orchestrator.Api.Port);
            using var computes = await ComputeSet.StartAsync(dir, 1, proxy.Url, "30", ct);
            var client = new CairnClient(orchestrator.Api);
            await WaitForNodesAsync(client, 1, ct);
            var jobId = (await client.SubmitJobAsync(Modules.TasksSpec(["sleepy", "5000"]), null, ct)).JobID;
            var running = await WaitForAsync(client, jobId, job => job.Executions.Any(e => e.State == ExecutionState.Running) ? job : null, "the execution to run", ct);
            var execution = Assert.Single(running.Executions);

            // Restart the orchestrator while the execution runs on the remote node; the node dials the same
            // address (the proxy) and reaches the new process.
            Assert.Equal(0, await orchestrator.TerminateAsync(ct));
            orchestrator.Dispose();
            client.Dispose();
            orchestrator = await StartAsync(Orchestrator(home, lostTimeout: "30"), home, ct);
            proxy.TargetPort = orchestrator.Api.Port;
            client = new CairnClient(orchestrator.Api);

            var done = await WaitForAsync(client, jobId, job => JobStateMachine.IsTerminal(job.Job.State) ? job : null, "the job to end", ct);
            Assert.True(done.Job.State == JobState.Completed, done.Job.StateMessage + " | " + string.Join(" | ", done.Executions.Select(e => $"{e.State} {e.StateMessage}")));

            // The execution that ran before the restart is the one that completed: nothing was failed as
            // "no longer connected" and placed again.
            var only = Assert.Single(done.Executions);
            Assert.Equal(execution.ID, only.ID);
            Assert.Equal(ExecutionState.Completed, only.State);
            client.Dispose();
        }
        finally
        {
            orchestrator.Dispose();
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task Devstack_ReplicatedPin_KeepsTwoCopies_AndRepairsFromTheSurvivorWhenAHolderIsKilled()
    {
        var ct = TestContext.Current;
        using var dir = new TempDir();
        var orchestratorHome = dir.Combine("orchestrator");
        using var orchestrator = await StartAsync(Orchestrator(orchestratorHome), orchestratorHome, ct);
        using var computes = await ComputeSet.StartAsync(dir, 3, orchestrator.Api, LostTimeout, ct);
        using var client = new CairnClient(orchestrator.Api);
        await WaitForNodesAsync(client, 3, ct);

        // The data is on node 1 only: not on the orchestrator, not on the other nodes.
        Directory.CreateDirectory(dir.Combine("in"));
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes((3 * 256 * 1024) + 5);
        await File.WriteAllBytesAsync(dir.Combine("in", "data.bin"), bytes, ct);
        var root = await JobLoopTests.AddAsync(dir.Combine("compute-1"), dir.Combine("in"), ct);
        await WaitForProviderAsync(client, root, computes[0].Node!, ct);

        var added = await CairnProcess.RunAsync(["pin", "add", root, "--replicas", "2", "--wait", "--timeout", "120", "--api", orchestrator.Api.ToString()], ct);
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.Contains("2/2 ok", added.Stdout, StringComparison.Ordinal);

        // Data locality: the node that had the data keeps one copy; one other node fetched the other.
        var view = await client.GetReplicasAsync(root, ct);
        Assert.Equal(2, view.Healthy);
        Assert.Contains(view.Holders, h => h.NodeID == computes[0].Node && h.State == "pinned");
        var second = Assert.Single(view.Holders, h => h.NodeID != computes[0].Node).NodeID;
        var spare = Assert.Single(computes, c => c.Node != computes[0].Node && c.Node != second);

        // kill -9 the node the data came from: the survivor is now the only source of the next copy.
        computes[0].Kill9();
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (true)
        {
            view = await client.GetReplicasAsync(root, ct);
            if (view.Healthy == 2 && view.Holders.Any(h => h.NodeID == spare.Node && h.State == "pinned"))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no repair: {view.Status} {view.Message} | {string.Join(" | ", view.Holders.Select(h => $"{h.NodeID[^6..]} {h.State} {h.Message}"))}");
            await Task.Delay(200, ct);
        }

        Assert.Equal("ok", view.Status);
        Assert.Equal("lost", Assert.Single(view.Holders, h => h.NodeID == computes[0].Node).State);

        // The new copy is whole on the spare node: its own gateway (which serves only what it holds)
        // gives every block, each verified against its CID on the way.
        using var http = new HttpClient();
        var store = new MemoryBlockStore();
        var fetched = await new Cairn.Content.Exchange.GatewayFetcher(http, new Cairn.Content.Exchange.StaticPeerSource([spare.Api])).FetchDagAsync(Cairn.Multiformats.Cid.Parse(root), store, null, ct);
        Assert.True(fetched.BytesFetched > bytes.Length);

        var status = await CairnProcess.RunAsync(["pin", "status", root, "--output", "json", "--api", orchestrator.Api.ToString()], ct);
        Assert.True(status.ExitCode == 0, status.Stderr);
        var json = System.Text.Json.Nodes.JsonNode.Parse(status.Stdout)!;
        Assert.Equal(2, (int)json["Healthy"]!);
        Assert.Equal(3, json["Holders"]!.AsArray().Count);
    }

    private static List<string> Orchestrator(string home, string lostTimeout = LostTimeout, bool market = false) =>
        ["serve", "--home", home, "--api", "127.0.0.1:0", "--no-compute", .. market ? Array.Empty<string>() : ["--no-market"], "--lost-timeout", lostTimeout];

    private static List<string> Compute(string home, Uri join, string lostTimeout = LostTimeout) =>
        ["serve", "--home", home, "--api", "127.0.0.1:0", "--join", join.ToString(), "--lost-timeout", lostTimeout];

    private static async Task<CairnProcess.Server> StartAsync(IReadOnlyList<string> args, string home, CancellationToken cancellationToken) =>
        await CairnProcess.ServeAsync(home, cancellationToken, args);

    private static CairnProcess.Server ProcessOf(List<CairnProcess.Server> computes, string nodeId) =>
        computes.SingleOrDefault(c => c.Node == nodeId) ?? throw new InvalidOperationException($"No compute process runs node {nodeId}.");

    private static async Task WaitForNodesAsync(CairnClient client, int count, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await client.ListNodesAsync(cancellationToken)).Items.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} compute nodes did not join");
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task WaitForProviderAsync(CairnClient client, string cid, string node, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await client.ListProvidersAsync(cid, cancellationToken)).Items.Any(p => p.NodeID == node))
        {
            Assert.True(DateTime.UtcNow < deadline, $"node {node} did not announce {cid}");
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<bool> AnyRunningAsync(CairnClient client, List<string> jobIds, CancellationToken cancellationToken)
    {
        foreach (var id in jobIds)
        {
            if ((await client.GetJobAsync(id, cancellationToken)).Executions.Any(e => e.State == ExecutionState.Running))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<bool> AllEndedAsync(CairnClient client, List<string> jobIds, CancellationToken cancellationToken)
    {
        foreach (var id in jobIds)
        {
            if (!JobStateMachine.IsTerminal((await client.GetJobAsync(id, cancellationToken)).Job.State))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<GetJobResponse> WaitForAsync(CairnClient client, string jobId, Func<GetJobResponse, GetJobResponse?> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (true)
        {
            var job = await client.GetJobAsync(jobId, cancellationToken);
            if (condition(job) is { } hit)
            {
                return hit;
            }

            Assert.True(DateTime.UtcNow < deadline, $"waited in vain for {what}: job {job.Job.State}, executions {string.Join(", ", job.Executions.Select(e => $"{e.NodeID[^6..]}:{e.State}"))}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Compute-only nodes (homes compute-1..N under the test's directory) joined at one URL; disposing stops them all.</summary>
    private sealed class ComputeSet : List<CairnProcess.Server>, IDisposable
    {
        public static async Task<ComputeSet> StartAsync(TempDir dir, int count, Uri join, string lostTimeout, CancellationToken cancellationToken)
        {
            var set = new ComputeSet();
            try
            {
                for (var i = 1; i <= count; i++)
                {
                    var home = dir.Combine("compute-" + i.ToString(CultureInfo.InvariantCulture));
                    set.Add(await NetworkTests.StartAsync(Compute(home, join, lostTimeout), home, cancellationToken));
                }

                return set;
            }
            catch
            {
                set.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            foreach (var server in this)
            {
                server.Dispose();
            }
        }
    }
}
