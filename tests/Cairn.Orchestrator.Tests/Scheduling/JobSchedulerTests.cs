using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Orchestrator.Scheduling;

namespace Cairn.Orchestrator.Tests.Scheduling;

public class JobSchedulerTests
{
    [Fact(Timeout = 60_000)]
    public async Task Batch_OnHealthyNode_CompletesWithTheFullTrailInHistory()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var node = h.AddNode("n-a");

        var job = await h.SubmitAsync(TestJobs.Noop());

        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal(ExecutionState.Completed, execution.State);
        Assert.Equal(ExecutionDesiredState.Running, execution.DesiredState);
        Assert.Equal(node.Id, execution.NodeId);
        var history = await h.Store.GetHistoryAsync(job.Job.Id, TestContext.Token);
        Assert.Equal(
            ["Pending", "Running", "Completed"],
            history.Where(e => e.Kind == HistoryKind.Job).Select(e => e.NewState));
        Assert.Equal(
            ["New", "AskForBid", "BidAccepted", "Running", "Completed"],
            history.Where(e => e.Kind == HistoryKind.Execution).Select(e => e.NewState));
        Assert.Contains(history, e => e.Kind == HistoryKind.Execution && e.NewState == "Completed" && e.Actor == "node:n-a");
        Assert.All(await h.Store.GetEvaluationsAsync(job.Job.Id, TestContext.Token), e => Assert.Equal(EvaluationStatus.Completed, e.Status));
    }

    [Fact(Timeout = 60_000)]
    public async Task Batch_CountThree_RunsThreeExecutions()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        h.AddNode("n-a", FakeBehavior.RunUntilTold);
        h.AddNode("n-b", FakeBehavior.RunUntilTold);

        var job = await h.SubmitAsync(TestJobs.Noop(count: 3));

        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal(3, executions.Count);
        Assert.All(executions, e => Assert.Equal(ExecutionState.Running, e.State));
        Assert.Equal(JobState.Running, (await h.JobAsync(job.Job.Id)).State);
        foreach (var node in h.Nodes.Nodes.Cast<FakeComputeNode>())
        {
            foreach (var id in node.Running.Keys)
            {
                await node.CompleteAsync(id, TestContext.Token);
            }
        }

        await h.DrainAsync();
        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task Batch_FailedExecution_IsRetriedAfterBackoffOnAnotherNode()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var bad = h.AddNode("n-a", FakeBehavior.Fail);
        var good = h.AddNode("n-b");

        var job = await h.SubmitAsync(TestJobs.Noop());

        // The tie between equal nodes goes to n-a, which fails; the retry waits out the backoff.
        var first = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((bad.Id, ExecutionState.Failed), (first.NodeId, first.State));
        Assert.Equal(JobState.Queued, (await h.JobAsync(job.Job.Id)).State);
        h.Clock.Advance(h.Options.RetryBackoff - TimeSpan.FromMilliseconds(1));
        await h.DrainAsync();
        Assert.Single(await h.ExecutionsAsync(job.Job.Id));

        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await h.DrainAsync();

        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal(2, executions.Count);
        Assert.Equal((good.Id, ExecutionState.Completed, 2), (executions[1].NodeId, executions[1].State, executions[1].Attempt));
        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task Batch_AlwaysFailing_FailsAfterMaxAttemptsWithTheLastReason()
    {
        await using var h = await OrchestratorHarness.CreateAsync(new SchedulerOptions { MaxAttempts = 3 });
        h.AddNode("n-a", FakeBehavior.Fail);
        var job = await h.SubmitAsync(TestJobs.Noop());

        for (var i = 0; i < 5; i++)
        {
            h.Clock.Advance(TimeSpan.FromMinutes(1));
            await h.DrainAsync();
        }

        var record = await h.JobAsync(job.Job.Id);
        Assert.Equal(JobState.Failed, record.State);
        Assert.Equal("3 execution(s) failed; the last: exit code 1", record.StateMessage);
        Assert.Equal([1, 2, 3], (await h.ExecutionsAsync(job.Job.Id)).Select(e => e.Attempt));
    }

    [Fact(Timeout = 60_000)]
    public async Task Backoff_DoublesPerFailureUpToTheCap()
    {
        var options = new SchedulerOptions { RetryBackoff = TimeSpan.FromSeconds(1), RetryBackoffMax = TimeSpan.FromSeconds(5) };

        Assert.Equal([1, 2, 4, 5, 5], new[] { 1, 2, 3, 4, 10 }.Select(n => options.BackoffFor(n).TotalSeconds));
        await Task.CompletedTask;
    }

    [Fact(Timeout = 60_000)]
    public async Task NoSuitableNode_QueuesWithTheReason_ThenFailsAtQueueTimeout()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        h.AddNode("n-a", engines: ["wasm"]);

        var job = await h.SubmitAsync(TestJobs.Noop(timeouts: new Timeouts { QueueTimeout = TimeSpan.FromSeconds(12) }));

        var queued = await h.JobAsync(job.Job.Id);
        Assert.Equal(JobState.Queued, queued.State);
        Assert.Equal("waiting for a node: n-a: engine: does not run the noop engine", queued.StateMessage);
        Assert.Empty(await h.ExecutionsAsync(job.Job.Id));

        h.Clock.Advance(TimeSpan.FromSeconds(12));
        await h.DrainAsync();

        var failed = await h.JobAsync(job.Job.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.StartsWith("queue timeout of 12s exceeded: n-a: engine", failed.StateMessage, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task QueuedJob_IsPlacedWhenASuitableNodeJoins()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var job = await h.SubmitAsync(TestJobs.Noop());
        Assert.Equal("waiting for a node: no compute nodes are connected", (await h.JobAsync(job.Job.Id)).StateMessage);

        h.AddNode("n-late");
        h.Clock.Advance(h.Options.QueueRecheckInterval);
        await h.DrainAsync();

        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecutionTimeout_FailsTheExecutionAndCancelsItOnTheNode()
    {
        await using var h = await OrchestratorHarness.CreateAsync(new SchedulerOptions { MaxAttempts = 1 });
        var node = h.AddNode("n-a", FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(TestJobs.Noop(timeouts: new Timeouts { ExecutionTimeout = TimeSpan.FromSeconds(30) }));
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal(ExecutionState.Running, execution.State);

        h.Clock.Advance(TimeSpan.FromSeconds(29));
        await h.DrainAsync();
        Assert.Equal(ExecutionState.Running, (await h.ExecutionsAsync(job.Job.Id))[0].State);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.DrainAsync();

        var timedOut = (await h.ExecutionsAsync(job.Job.Id))[0];
        Assert.Equal(ExecutionState.Failed, timedOut.State);
        Assert.Equal("execution timeout of 30s exceeded", timedOut.StateMessage);
        Assert.Equal(ExecutionDesiredState.Stopped, timedOut.DesiredState);
        Assert.Contains(execution.Id, node.Cancelled);
        Assert.Equal(JobState.Failed, (await h.JobAsync(job.Job.Id)).State);

        // The node's late report of success changes nothing.
        await node.CompleteAsync(execution.Id, TestContext.Token);
        Assert.Equal(ExecutionState.Failed, (await h.ExecutionsAsync(job.Job.Id))[0].State);
    }

    [Fact(Timeout = 60_000)]
    public async Task TotalTimeout_FailsTheJobAndCancelsItsExecutions()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var node = h.AddNode("n-a", FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(TestJobs.Noop(timeouts: new Timeouts { TotalTimeout = TimeSpan.FromMinutes(1) }));

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.DrainAsync();

        var record = await h.JobAsync(job.Job.Id);
        Assert.Equal(JobState.Failed, record.State);
        Assert.Equal("total timeout of 60s exceeded", record.StateMessage);
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal(ExecutionState.Cancelled, execution.State);
        Assert.Single(node.Cancelled);
    }

    [Fact(Timeout = 60_000)]
    public async Task Stop_RunningJob_CancelsExecutionsAndCannotBeRepeated()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var node = h.AddNode("n-a", FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(TestJobs.Noop(type: JobType.Service, count: 2));
        Assert.Equal(2, node.Running.Count);

        await h.Orchestrator.StopJobAsync(job.Job.Id, "no longer needed", cancellationToken: TestContext.Token);
        await h.DrainAsync();

        Assert.Equal(JobState.Stopped, (await h.JobAsync(job.Job.Id)).State);
        Assert.All(await h.ExecutionsAsync(job.Job.Id), e => Assert.Equal((ExecutionState.Cancelled, ExecutionDesiredState.Stopped), (e.State, e.DesiredState)));
        Assert.Equal(2, node.Cancelled.Count);
        var again = await Assert.ThrowsAsync<CairnException>(() => h.Orchestrator.StopJobAsync(job.Job.Id, null, cancellationToken: TestContext.Token));
        Assert.Equal(ErrorCode.Conflict, again.Code);
        var missing = await Assert.ThrowsAsync<CairnException>(() => h.Orchestrator.StopJobAsync(JobId.New(), null, cancellationToken: TestContext.Token));
        Assert.Equal(ErrorCode.NotFound, missing.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Ops_RunsOncePerMatchingNode()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var eu1 = h.AddNode("n-eu1", labels: new Dictionary<string, string> { ["region"] = "eu" });
        var eu2 = h.AddNode("n-eu2", labels: new Dictionary<string, string> { ["region"] = "eu" });
        h.AddNode("n-us", labels: new Dictionary<string, string> { ["region"] = "us" });

        var job = await h.SubmitAsync(TestJobs.Noop(type: JobType.Ops, constraints: [new Constraint { Key = "region", Operator = ConstraintOperator.In, Values = ["eu"] }]));

        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal([eu1.Id, eu2.Id], executions.Select(e => e.NodeId).OrderBy(n => n.Value, StringComparer.Ordinal));
        var record = await h.JobAsync(job.Job.Id);
        Assert.Equal(JobState.Completed, record.State);
        Assert.Equal("completed on 2 node(s)", record.StateMessage);
    }

    [Fact(Timeout = 60_000)]
    public async Task Daemon_ReplacesAFailedExecutionAndKeepsRunning()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var a = h.AddNode("n-a", FakeBehavior.RunUntilTold);
        var b = h.AddNode("n-b", FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(TestJobs.Noop(type: JobType.Daemon));
        Assert.Equal((1, 1), (a.Running.Count, b.Running.Count));

        await a.FailAsync(a.Running.Keys.Single(), "crashed", TestContext.Token);
        await h.DrainAsync();
        h.Clock.Advance(h.Options.RetryBackoff);
        await h.DrainAsync();

        Assert.Equal((1, 1), (a.Running.Count, b.Running.Count));
        Assert.Equal(3, (await h.ExecutionsAsync(job.Job.Id)).Count);
        Assert.Equal(JobState.Running, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task Price_NodesAboveMaxPriceAreSkipped_AndBidsAboveItRejected()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        h.AddNode("n-dear", price: 10);
        var cheap = h.AddNode("n-cheap", price: 3);
        var sneaky = h.AddNode("n-sneaky", price: 1);
        sneaky.BidPolicy = r => new BidResult { ExecutionId = r.ExecutionId, Accepted = true, Price = 50 };

        var job = await h.SubmitAsync(TestJobs.Noop(payment: new Payment { Budget = 1000, MaxPrice = 5 }));

        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal((sneaky.Id, ExecutionState.BidRejected), (executions[0].NodeId, executions[0].State));
        Assert.Equal("bid price 50 is above MaxPrice 5", executions[0].StateMessage);
        Assert.Equal((cheap.Id, ExecutionState.Completed, 3L), (executions[1].NodeId, executions[1].State, executions[1].BidPrice!.Value));
    }

    [Fact(Timeout = 60_000)]
    public async Task DeclinedBid_TriesTheNextNode()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var full = h.AddNode("n-a");
        full.BidPolicy = r => new BidResult { ExecutionId = r.ExecutionId, Accepted = false, Reason = "no capacity" };
        var spare = h.AddNode("n-b");

        var job = await h.SubmitAsync(TestJobs.Noop());

        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal(ExecutionState.BidRejected, executions[0].State);
        Assert.Equal("the node declined: no capacity", executions[0].StateMessage);
        Assert.Equal((spare.Id, ExecutionState.Completed), (executions[1].NodeId, executions[1].State));
        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task UnreachableNode_IsNotACandidate()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        h.AddNode("n-a").Unreachable = true;
        var ok = h.AddNode("n-b");

        var job = await h.SubmitAsync(TestJobs.Noop());

        Assert.Equal(ok.Id, Assert.Single(await h.ExecutionsAsync(job.Job.Id)).NodeId);
    }

    [Fact(Timeout = 60_000)]
    public async Task CrashedWorker_EvaluationIsReclaimedAfterTheLeaseAndTheJobCompletes()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        h.AddNode("n-a");
        var job = await h.Orchestrator.SubmitAsync(TestJobs.Noop(), cancellationToken: TestContext.Token);

        // A worker claims the evaluation and dies before doing anything.
        Assert.NotNull(await h.Store.ClaimEvaluationAsync("dead-worker", h.Options.EvaluationLease, TestContext.Token));
        Assert.Equal(0, await h.DrainAsync());
        Assert.Equal(JobState.Pending, (await h.JobAsync(job.Job.Id)).State);

        h.Clock.Advance(h.Options.EvaluationLease);
        await h.DrainAsync();

        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task Report_FromAnotherNode_IsRejected()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var node = h.AddNode("n-a", FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(TestJobs.Noop());
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));

        var e = await Assert.ThrowsAsync<CairnException>(() => h.Orchestrator.ReportAsync(
            new ExecutionReport { ExecutionId = execution.Id, NodeId = NodeId.Parse("n-mallory"), State = ExecutionState.Completed },
            TestContext.Token));

        Assert.Equal(ErrorCode.Conflict, e.Code);
        Assert.Equal(ExecutionState.Running, (await h.ExecutionsAsync(job.Job.Id))[0].State);
        Assert.Single(node.Running);
    }

    [Fact(Timeout = 60_000)]
    public async Task Submit_InvalidJob_IsRejectedBeforeStoring()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        var job = TestJobs.Noop() with { Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = "vroomvroom" } }] };

        var e = await Assert.ThrowsAsync<Cairn.Jobs.Specs.JobSpecException>(() => h.Orchestrator.SubmitAsync(job, cancellationToken: TestContext.Token));

        Assert.Equal("Tasks[0].Engine.Type", e.Errors[0].Path);
        Assert.Empty(await h.Store.ListJobsAsync(cancellationToken: TestContext.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task Submit_WithoutIdOrName_GetsAnIdAndUsesItAsName()
    {
        await using var h = await OrchestratorHarness.CreateAsync();

        var record = await h.Orchestrator.SubmitAsync(TestJobs.Noop() with { Id = default, Name = "" }, cancellationToken: TestContext.Token);

        Assert.False(record.Job.Id.IsEmpty);
        Assert.Equal(record.Job.Id.Value, record.Job.Name);
    }

    [Fact(Timeout = 60_000)]
    public async Task SubmitSpec_ExampleWasmSpec_RunsToCompletion()
    {
        await using var h = await OrchestratorHarness.CreateAsync();
        h.AddNode("n-a", price: 5);

        var record = await h.Orchestrator.SubmitSpecAsync(Cairn.Orchestrator.Tests.Specs.SpecFiles.Read("wasm-inline.yaml"), cancellationToken: TestContext.Token);
        await h.DrainAsync();

        Assert.Equal("inline-wasm", record.Job.Name);
        Assert.Equal(JobState.Completed, (await h.JobAsync(record.Job.Id)).State);
        Assert.Equal(5L, Assert.Single(await h.ExecutionsAsync(record.Job.Id)).BidPrice);
    }

    [Fact(Timeout = 60_000)]
    public async Task SubmitSpec_Vroomvroom_IsRejectedWithItsLine()
    {
        await using var h = await OrchestratorHarness.CreateAsync();

        var e = await Assert.ThrowsAsync<Cairn.Jobs.Specs.JobSpecException>(() => h.Orchestrator.SubmitSpecAsync(Cairn.Orchestrator.Tests.Specs.SpecFiles.Read("invalid-engine.yaml"), cancellationToken: TestContext.Token));

        Assert.Equal(8, Assert.Single(e.Errors).Line);
    }
}
