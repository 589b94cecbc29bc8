using Cairn.Jobs;
using Cairn.Multiformats;
using Cairn.Orchestrator.Scheduling;

namespace Cairn.Orchestrator.Tests.Scheduling;

public class SchedulerFlowTests
{
    [Fact(Timeout = 60_000)]
    public async Task Service_KeepsCountRunningAndReplacesFailures()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var node = h.AddNode("n-a", FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(TestJobs.Noop(type: JobType.Service, count: 2));
        Assert.Equal(2, node.Running.Count);

        await node.FailAsync(node.Running.Keys.First(), "oom", TestContext.Token);
        await h.DrainAsync();
        Assert.Single(node.Running);
        h.Clock.Advance(h.Options.RetryBackoff);
        await h.DrainAsync();

        Assert.Equal(2, node.Running.Count);
        Assert.Equal(JobState.Running, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task PlacementCutShortByACrash_IsCancelledAndRedone()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var node = h.AddNode("n-a");
        var job = await h.Orchestrator.SubmitAsync(TestJobs.Noop(), cancellationToken: TestContext.Token);

        // What a pass leaves behind when the process dies between asking for a bid and settling it.
        var orphan = new ExecutionRecord { Id = ExecutionId.New(), JobId = job.Job.Id, NodeId = node.Id, State = ExecutionState.New, Attempt = 1 };
        await h.Store.CreateExecutionAsync(orphan, "scheduler", TestContext.Token);
        await h.Store.UpdateExecutionAsync(orphan.Id, new Cairn.Orchestrator.Store.ExecutionUpdate { State = ExecutionState.AskForBid }, "scheduler", TestContext.Token);

        await h.DrainAsync();

        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal((ExecutionState.Cancelled, "placement was interrupted before the bid was settled"), (executions[0].State, executions[0].StateMessage));
        Assert.Contains(orphan.Id, node.Cancelled);
        Assert.Equal(ExecutionState.Completed, executions[1].State);
        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task NodeThatNeverStartsAnAcceptedExecution_IsFailedAtTheStartTimeoutAndRetried()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var silent = h.AddNode("n-a", FakeBehavior.Silent);
        var job = await h.SubmitAsync(TestJobs.Noop());
        Assert.Equal(ExecutionState.BidAccepted, Assert.Single(await h.ExecutionsAsync(job.Job.Id)).State);

        h.Clock.Advance(h.Options.StartTimeout);
        await h.DrainAsync();
        var failed = (await h.ExecutionsAsync(job.Job.Id))[0];
        Assert.Equal((ExecutionState.Failed, "the node did not start the execution within 00:02:00"), (failed.State, failed.StateMessage));

        silent.Behavior = FakeBehavior.Complete;
        h.Clock.Advance(h.Options.RetryBackoff);
        await h.DrainAsync();
        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReconnectGrace_AbsentNodeRightAfterStart_KeepsItsExecutionUntilTheGraceEnds()
    {
        // The scheduler has just started (an orchestrator restart): a node not dialed in yet keeps its
        // execution for the grace period; a node still absent after it is given up.
        await using var h = await OrchestratorHarness.CreateAsync(new SchedulerOptions { ReconnectGrace = TimeSpan.FromSeconds(30) });
        var node = h.AddNode("n-a", FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(TestJobs.Noop(type: JobType.Daemon));
        Assert.Single(node.Running);

        h.Nodes.Remove(node.Id);
        await h.Store.EnqueueEvaluationAsync(
            new EvaluationRecord { Id = EvaluationId.New(), JobId = job.Job.Id, TriggeredBy = EvaluationTrigger.NodeUpdated, WaitUntil = h.Clock.GetUtcNow() },
            "node-directory",
            TestContext.Token);
        await h.DrainAsync();
        Assert.Equal(ExecutionState.Running, Assert.Single(await h.ExecutionsAsync(job.Job.Id)).State);

        // The pass booked a look at the end of the grace period; the node is still away then.
        h.Clock.Advance(TimeSpan.FromSeconds(31));
        await h.DrainAsync();
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((ExecutionState.Failed, "node n-a is no longer connected"), (execution.State, execution.StateMessage));
    }

    [Fact(Timeout = 60_000)]
    public async Task Daemon_NodeThatLeaves_HasItsExecutionFailedAndTheJobWaits()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var node = h.AddNode("n-a", FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(TestJobs.Noop(type: JobType.Daemon));
        Assert.Single(node.Running);

        h.Nodes.Remove(node.Id);
        await h.Store.EnqueueEvaluationAsync(
            new EvaluationRecord { Id = EvaluationId.New(), JobId = job.Job.Id, TriggeredBy = EvaluationTrigger.NodeUpdated, WaitUntil = h.Clock.GetUtcNow() },
            "node-directory",
            TestContext.Token);
        await h.DrainAsync();
        h.Clock.Advance(h.Options.RetryBackoff);
        await h.DrainAsync();

        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((ExecutionState.Failed, "node n-a is no longer connected"), (execution.State, execution.StateMessage));
        var record = await h.JobAsync(job.Job.Id);
        Assert.Equal((JobState.Queued, "waiting for a node: no compute nodes are connected"), (record.State, record.StateMessage));

        h.Nodes.Add(node);
        h.Clock.Advance(h.Options.QueueRecheckInterval);
        await h.DrainAsync();
        Assert.Equal(JobState.Running, (await h.JobAsync(job.Job.Id)).State);
        Assert.Equal([ExecutionState.Failed, ExecutionState.Running], (await h.ExecutionsAsync(job.Job.Id)).Select(e => e.State));
    }

    [Fact(Timeout = 60_000)]
    public async Task Placement_PrefersTheNodeHoldingTheInputs()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        h.AddNode("n-a");
        var holder = h.AddNode("n-b");
        var cid = Cid.Parse("QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u");
        holder.LocalBlocks[cid] = 4096;
        var job = TestJobs.Noop() with
        {
            Tasks = [TestJobs.Noop().Tasks[0] with { InputSources = [new InputSource { Target = "/data", Source = new SpecConfig { Type = "ipfs", Params = SpecParams.Create([new("CID", cid.ToString())]) } }] }],
        };

        var record = await h.SubmitAsync(job);

        var execution = Assert.Single(await h.ExecutionsAsync(record.Job.Id));
        Assert.Equal(holder.Id, execution.NodeId);
        var placed = (await h.Store.GetHistoryAsync(record.Job.Id, TestContext.Token)).First(e => e.Kind == HistoryKind.Execution);
        Assert.Contains("locality: +20 for 4096 input bytes already here", placed.Details, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Worker_PassThatHitsABug_IsRetriedAfterBackoff()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var node = h.AddNode("n-a");
        var job = await h.Orchestrator.SubmitAsync(TestJobs.Noop(), cancellationToken: TestContext.Token);
        h.Nodes.Add(new ThrowingNode(node));

        Assert.True(await h.Worker.RunOnceAsync(TestContext.Token));
        var evaluation = Assert.Single(await h.Store.GetEvaluationsAsync(job.Job.Id, TestContext.Token));
        Assert.Equal((EvaluationStatus.Pending, "internal error: bug"), (evaluation.Status, evaluation.Message));

        h.Nodes.Add(node);
        Assert.Equal(0, await h.DrainAsync());
        h.Clock.Advance(h.Options.BackoffFor(1));
        await h.DrainAsync();

        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task Worker_PassThatAlwaysFails_FailsTheJobAfterMaxAttempts()
    {
        await using var h = await OrchestratorHarness.CreateAsync(new SchedulerOptions { EvaluationMaxAttempts = 3 });
        var job = await h.Orchestrator.SubmitAsync(TestJobs.Noop(), cancellationToken: TestContext.Token);
        h.Nodes.Add(new ThrowingNode(new FakeComputeNode("n-a", h.Orchestrator)));

        for (var i = 0; i < 5; i++)
        {
            await h.DrainAsync();
            h.Clock.Advance(h.Options.RetryBackoffMax);
        }

        var record = await h.JobAsync(job.Job.Id);
        Assert.Equal(JobState.Failed, record.State);
        Assert.Equal("the scheduler gave up after 3 attempts: internal error: bug", record.StateMessage);
        Assert.Equal(EvaluationStatus.Failed, Assert.Single(await h.Store.GetEvaluationsAsync(job.Job.Id, TestContext.Token)).Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task Worker_RunAsync_ProcessesJobsInTheBackgroundAndStopsWhenCancelled()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        h.AddNode("n-a");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Token);
        var loop = h.Worker.RunAsync(cts.Token);

        var job = await h.Orchestrator.SubmitAsync(TestJobs.Noop(), cancellationToken: TestContext.Token);
        while ((await h.JobAsync(job.Job.Id)).State != JobState.Completed)
        {
            await Task.Delay(10, TestContext.Token);
        }

        await cts.CancelAsync();
        await loop;
        Assert.True(loop.IsCompletedSuccessfully);
    }

    [Fact(Timeout = 60_000)]
    public async Task Batch_RandomNodeOutcomes_AlwaysEndTerminalWithConsistentCounts()
    {
        for (var seed = 0; seed < 12; seed++)
        {
            var random = new Random(seed);
            await using var h = await OrchestratorHarness.CreateAsync();
            var nodes = Enumerable.Range(0, random.Next(1, 4))
                .Select(i => h.AddNode($"n-{i}", random.Next(3) == 0 ? FakeBehavior.Fail : FakeBehavior.Complete))
                .ToList();
            var count = random.Next(1, 4);
            var job = await h.SubmitAsync(TestJobs.Noop(count: count));

            for (var round = 0; round < 20 && !JobStateMachine.IsTerminal((await h.JobAsync(job.Job.Id)).State); round++)
            {
                foreach (var node in nodes)
                {
                    node.Behavior = random.Next(3) == 0 ? FakeBehavior.Fail : FakeBehavior.Complete;
                }

                h.Clock.Advance(TimeSpan.FromMinutes(1));
                await h.DrainAsync();
            }

            var record = await h.JobAsync(job.Job.Id);
            var executions = await h.ExecutionsAsync(job.Job.Id);
            var completed = executions.Count(e => e.State == ExecutionState.Completed);
            var failed = executions.Count(e => e.State == ExecutionState.Failed);
            Assert.True(JobStateMachine.IsTerminal(record.State), $"seed {seed}: {record.State}");
            Assert.All(executions, e => Assert.True(ExecutionStateMachine.IsTerminal(e.State), $"seed {seed}: {e.Id} is {e.State}"));
            Assert.True(record.State == JobState.Completed ? completed == count && failed < h.Options.MaxAttempts : failed >= h.Options.MaxAttempts, $"seed {seed}: {record.State} with {completed} completed, {failed} failed of {count}");
        }
    }

    /// <summary>A node whose info call hits a bug (not an expected failure), to prove a crashing pass is retried.</summary>
    private sealed class ThrowingNode(FakeComputeNode inner) : Cairn.Jobs.Compute.IComputeNode
    {
        public NodeId Id => inner.Id;

        public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException("bug");

        public Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default) => inner.GetLocalBytesAsync(cids, cancellationToken);

        public Task<Cairn.Jobs.Compute.BidResult> AskBidAsync(Cairn.Jobs.Compute.AskBidRequest request, CancellationToken cancellationToken = default) => inner.AskBidAsync(request, cancellationToken);

        public Task BidAcceptedAsync(Cairn.Jobs.Compute.BidAcceptedRequest request, CancellationToken cancellationToken = default) => inner.BidAcceptedAsync(request, cancellationToken);

        public Task CancelAsync(Cairn.Jobs.Compute.CancelExecutionRequest request, CancellationToken cancellationToken = default) => inner.CancelAsync(request, cancellationToken);
    }
}
