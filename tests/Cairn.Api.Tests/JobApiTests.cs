using System.Text.Json;
using Cairn.ApiModels;
using Cairn.Client;
using Cairn.Jobs;
using Cairn.Jobs.Specs;

namespace Cairn.Api.Tests;

public sealed class JobApiTests
{
    private const string NoopYaml = """
        Name: hello
        Type: batch
        Labels: {team: api}
        Tasks:
          - Name: main
            Engine: {Type: noop}
        """;

    private static CancellationToken Ct => TestContext.Current;

    [Fact(Timeout = 60_000)]
    public async Task SubmitYaml_WithClient_SetsThePayingClient()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var put = await host.Client.SubmitJobAsync(NoopYaml, "did:key:zDnaeClient", Ct);
        Assert.Equal("did:key:zDnaeClient", (await host.Client.GetJobAsync(put.JobID, Ct)).Job.Spec.Payment?.Client);
        var unpaid = await host.Client.SubmitJobAsync(NoopYaml, cancellationToken: Ct);
        Assert.Null((await host.Client.GetJobAsync(unpaid.JobID, Ct)).Job.Spec.Payment?.Client);
    }

    [Fact(Timeout = 60_000)]
    public async Task SubmitYaml_NoopJob_CompletesWithResultsHistoryAndExecutions()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        var submitted = await host.Client.SubmitJobAsync(NoopYaml, cancellationToken: Ct);
        Assert.StartsWith("j-", submitted.JobID, StringComparison.Ordinal);
        Assert.StartsWith("ev-", submitted.EvaluationID, StringComparison.Ordinal);

        var seen = new List<JobState>();
        var done = await host.Client.WaitForJobAsync(submitted.JobID, new SyncProgress(p => seen.Add(p.Job.Job.State)), TimeSpan.FromMilliseconds(20), Ct);
        Assert.Equal(JobState.Completed, done.Job.State);
        Assert.Equal(JobState.Completed, seen[^1]);
        Assert.Equal("hello", done.Job.Name);
        Assert.Equal("api", done.Job.Labels["team"]);
        var execution = Assert.Single(done.Executions);
        Assert.Equal(ExecutionState.Completed, execution.State);
        Assert.Equal(host.Compute.Id.Value, execution.NodeID);
        Assert.Equal(0, execution.ExitCode);

        var executions = await host.Client.GetJobExecutionsAsync(submitted.JobID, Ct);
        Assert.Equal(execution.ID, Assert.Single(executions.Items).ID);

        var history = await host.Client.GetJobHistoryAsync(submitted.JobID, Ct);
        Assert.Contains(history.Items, h => h.Kind == HistoryKind.Job && h.NewState == nameof(JobState.Completed));
        Assert.Contains(history.Items, h => h.Kind == HistoryKind.Execution && h.ExecutionID == execution.ID && h.NewState == nameof(ExecutionState.Running));
        Assert.True(history.Items.Select(h => h.Sequence).SequenceEqual(history.Items.Select(h => h.Sequence).Order()));

        var results = await host.Client.GetJobResultsAsync(submitted.JobID, Ct);
        var result = Assert.Single(results.Items);
        Assert.Equal(InProcessComputeNode.StdoutOf(ExecutionId.Parse(execution.ID)), result.Stdout);
        Assert.Equal(InProcessComputeNode.StderrOf(ExecutionId.Parse(execution.ID)), result.Stderr);

        // The output CID fetched back through the API holds what the node wrote.
        using var output = new MemoryStream();
        await host.Client.CatAsync(result.Outputs["outputs"], output, cancellationToken: Ct);
        Assert.Equal("result of hello\n", System.Text.Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact(Timeout = 60_000)]
    public async Task SubmitJsonSpecAndBacalhauJob_BothAccepted()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        var json = """{"Name": "from-json", "Tasks": [{"Name": "main", "Engine": {"Type": "noop"}}]}""";
        var a = await host.Client.SubmitJobAsync(json, cancellationToken: Ct);

        // What Bacalhau's client sends: the wire Job with its server-managed fields zeroed.
        using var bacalhau = JsonDocument.Parse("""
            {"ID": "", "Name": "from-bacalhau", "Namespace": "default", "Type": "batch", "Count": 1, "Version": 0, "Revision": 0,
             "CreateTime": 0, "ModifyTime": 0, "State": {"StateType": "Undefined"}, "Constraints": null, "Meta": null,
             "Tasks": [{"Name": "main", "Engine": {"Type": "noop", "Params": {}}}]}
            """);
        var b = await host.Client.SubmitBacalhauJobAsync(bacalhau.RootElement, Ct);
        Assert.NotEqual(a.JobID, b.JobID);

        Assert.Equal("from-json", (await host.Client.GetJobAsync(a.JobID, Ct)).Job.Name);
        var done = await host.Client.WaitForJobAsync(b.JobID, null, TimeSpan.FromMilliseconds(20), Ct);
        Assert.Equal("from-bacalhau", done.Job.Name);
        Assert.Equal(JobState.Completed, done.Job.State);
    }

    [Fact(Timeout = 60_000)]
    public async Task SubmitYaml_WithErrors_ComesBackAsJobSpecExceptionWithPositions()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        var spec = "Name: bad\nCount: two\nTasks:\n  - Name: main\n    Engine:\n      Type: noop\n      Parmas: {}\n";
        var e = await Assert.ThrowsAsync<JobSpecException>(() => host.Client.SubmitJobAsync(spec, cancellationToken: Ct));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);

        // The same errors the parser reports locally, positions included, survive the trip.
        var local = Assert.Throws<JobSpecException>(() => Cairn.Orchestrator.Specs.JobSpecParser.Parse(spec));
        Assert.Equal(local.Errors, e.Errors);
        Assert.Equal(local.Message, e.Message);
        Assert.Contains(e.Errors, x => x.Path == "Count" && x.Line == 2);
        Assert.Contains(e.Errors, x => x.Path.EndsWith("Parmas", StringComparison.Ordinal) && x.Line == 7 && x.Column is not null);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SubmitYaml_UnknownEngine_ValidationErrorKeepsLineAndHint(bool validatorInDi)
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct, withValidator: validatorInDi);
        var spec = "Name: vroom\nTasks:\n  - Name: main\n    Engine:\n      Type: vroomvroom\n";
        var e = await Assert.ThrowsAsync<JobSpecException>(() => host.Client.SubmitJobAsync(spec, cancellationToken: Ct));
        var error = Assert.Single(e.Errors);
        Assert.Equal("Tasks[0].Engine.Type", error.Path);
        Assert.Equal(5, error.Line);
        Assert.Contains("noop", error.Hint, StringComparison.Ordinal);
        Assert.Equal(error.Hint, e.Hint);
    }

    [Fact(Timeout = 60_000)]
    public async Task GetJob_Unknown_IsNotFoundProblem()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        var id = JobId.New().Value;
        var e = await Assert.ThrowsAsync<CairnException>(() => host.Client.GetJobAsync(id, Ct));
        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains(id, e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Hint);

        var bad = await Assert.ThrowsAsync<CairnException>(() => host.Client.GetJobAsync("not-a-job", Ct));
        Assert.Equal(ErrorCode.InvalidArgument, bad.Code);

        // The WebSocket upgrade of an unknown job's logs is refused with the same problem.
        var ws = await Assert.ThrowsAsync<CairnException>(async () =>
        {
            await foreach (var frame in host.Client.FollowLogsAsync(id, cancellationToken: Ct))
            {
                Assert.Fail("no frame expected: " + frame);
            }
        });
        Assert.Equal(ErrorCode.NotFound, ws.Code);
        Assert.Contains(id, ws.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task StopJob_Running_IsStoppedAndCancelledOnTheNode_SecondStopConflicts()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        var spec = "Name: held\nLabels: {hold: \"true\"}\nTasks:\n  - Name: main\n    Engine: {Type: noop}\n";
        var submitted = await host.Client.SubmitJobAsync(spec, cancellationToken: Ct);
        while ((await host.Client.GetJobAsync(submitted.JobID, Ct)).Executions is not [{ State: ExecutionState.Running }])
        {
            await Task.Delay(20, Ct);
        }

        var stopped = await host.Client.StopJobAsync(submitted.JobID, "enough", Ct);
        Assert.Equal(JobState.Stopped, stopped.State);
        Assert.Equal("enough", stopped.Message);
        var done = await host.Client.WaitForJobAsync(submitted.JobID, null, TimeSpan.FromMilliseconds(20), Ct);
        Assert.Equal(JobState.Stopped, done.Job.State);
        while (host.Compute.Cancelled.IsEmpty)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(done.Executions[0].ID, Assert.Single(host.Compute.Cancelled).Value);
        var again = await Assert.ThrowsAsync<CairnException>(() => host.Client.StopJobAsync(submitted.JobID, null, Ct));
        Assert.Equal(ErrorCode.Conflict, again.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task FollowLogs_OfARunningJob_StreamsUntilItIsStopped()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var put = await host.Client.SubmitJobAsync("Name: live\nLabels: {hold: \"true\"}\nTasks:\n  - Engine: {Type: noop}\n", cancellationToken: Ct);
        while ((await host.Client.GetJobAsync(put.JobID, Ct)).Executions is not [{ State: ExecutionState.Running }])
        {
            await Task.Delay(20, Ct);
        }

        var frames = new List<LogFrame>();
        var stopped = false;
        await foreach (var frame in host.Client.FollowLogsAsync(put.JobID, follow: true, cancellationToken: Ct))
        {
            frames.Add(frame);
            if (!stopped && frame.Stream == "stderr")
            {
                // Everything written so far has arrived and the stream is still open: end the job.
                stopped = true;
                await host.Client.StopJobAsync(put.JobID, "seen enough", Ct);
            }
        }

        Assert.True(stopped);
        Assert.Equal("ended\n", frames[^1].Data);
        var execution = ExecutionId.Parse(frames[0].Execution);
        Assert.Equal(InProcessComputeNode.StdoutOf(execution), string.Concat(frames.Where(f => f.Stream == "stdout").Select(f => f.Data)));
    }

    [Fact(Timeout = 60_000)]
    public async Task FollowLogs_OfTwoRunningExecutions_InterleavesBothBeforeEitherEnds()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var put = await host.Client.SubmitJobAsync("Name: pair\nCount: 2\nLabels: {hold: \"true\"}\nTasks:\n  - Engine: {Type: noop}\n", cancellationToken: Ct);
        while ((await host.Client.GetJobAsync(put.JobID, Ct)).Executions is not [{ State: ExecutionState.Running }, { State: ExecutionState.Running }])
        {
            await Task.Delay(20, Ct);
        }

        var frames = new List<LogFrame>();
        var stopped = false;
        await foreach (var frame in host.Client.FollowLogsAsync(put.JobID, follow: true, cancellationToken: Ct))
        {
            frames.Add(frame);
            if (!stopped && frames.Where(f => f.Stream == "stderr").Select(f => f.Execution).Distinct().Count() == 2)
            {
                // Both executions' output arrived while both still run.
                stopped = true;
                await host.Client.StopJobAsync(put.JobID, null, Ct);
            }
        }

        Assert.True(stopped);
        Assert.Equal(2, frames.Count(f => f.Data == "ended\n"));
    }

    [Fact(Timeout = 60_000)]
    public async Task ListJobs_FiltersByStateAndLabel_AndPages()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var team = i % 2 == 0 ? "even" : "odd";
            var r = await host.Client.SubmitJobAsync($"Name: job{i}\nLabels: {{team: {team}}}\nTasks:\n  - Engine: {{Type: noop}}\n", cancellationToken: Ct);
            ids.Add(r.JobID);
        }

        foreach (var id in ids)
        {
            await host.Client.WaitForJobAsync(id, null, TimeSpan.FromMilliseconds(20), Ct);
        }

        var even = await host.Client.ListJobsAsync(new JobListQuery { Label = "team=even" }, Ct);
        Assert.Equal(["job4", "job2", "job0"], even.Items.Select(j => j.Name));
        Assert.Empty((await host.Client.ListJobsAsync(new JobListQuery { State = JobState.Running }, Ct)).Items);
        Assert.Equal(5, (await host.Client.ListJobsAsync(new JobListQuery { State = JobState.Completed, Label = "team" }, Ct)).Items.Count);

        var pages = new List<string>();
        string? token = null;
        do
        {
            var page = await host.Client.ListJobsAsync(new JobListQuery { Limit = 2, NextToken = token }, Ct);
            Assert.True(page.Items.Count <= 2);
            pages.AddRange(page.Items.Select(j => j.ID));
            token = page.NextToken;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Reverse(ids), pages);
        var e = await Assert.ThrowsAsync<CairnException>(() => host.Client.ListJobsAsync(new JobListQuery { Limit = 0 }, Ct));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Logs_OverWebSocketAndPlain_CarryTheNodesOutput()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        var submitted = await host.Client.SubmitJobAsync(NoopYaml, cancellationToken: Ct);
        var done = await host.Client.WaitForJobAsync(submitted.JobID, null, TimeSpan.FromMilliseconds(20), Ct);
        var execution = ExecutionId.Parse(done.Executions[0].ID);

        var frames = new List<LogFrame>();
        await foreach (var frame in host.Client.FollowLogsAsync(submitted.JobID, follow: false, cancellationToken: Ct))
        {
            frames.Add(frame);
        }

        Assert.All(frames, f => Assert.Equal(execution.Value, f.Execution));
        Assert.Equal(InProcessComputeNode.StdoutOf(execution), string.Concat(frames.Where(f => f.Stream == "stdout").Select(f => f.Data)));
        Assert.Equal(InProcessComputeNode.StderrOf(execution), string.Concat(frames.Where(f => f.Stream == "stderr").Select(f => f.Data)));

        var plain = await host.Client.GetJobLogsAsync(submitted.JobID, cancellationToken: Ct);
        Assert.Equal(InProcessComputeNode.StdoutOf(execution) + InProcessComputeNode.StderrOf(execution), plain);

        var missing = await Assert.ThrowsAsync<CairnException>(() => host.Client.GetJobLogsAsync(submitted.JobID, ExecutionId.New().Value, Ct));
        Assert.Equal(ErrorCode.NotFound, missing.Code);

        // A failing log read closes the WebSocket with the error, which the client raises.
        host.Compute.BreakLogs(execution);
        var broken = await Assert.ThrowsAsync<CairnException>(async () =>
        {
            await foreach (var frame in host.Client.FollowLogsAsync(submitted.JobID, execution.Value, follow: false, Ct))
            {
                Assert.Fail("no frame expected: " + frame);
            }
        });
        Assert.Contains("unreadable", broken.Message, StringComparison.Ordinal);
        var brokenPlain = await Assert.ThrowsAsync<CairnException>(() => host.Client.GetJobLogsAsync(submitted.JobID, execution.Value, Ct));
        Assert.Equal(ErrorCode.IoError, brokenPlain.Code);

        // A node that forgot the execution (restarted): the published stdout and stderr stand in.
        host.Compute.Forget(execution);
        Assert.Equal(plain, await host.Client.GetJobLogsAsync(submitted.JobID, execution.Value, Ct));
        var replayed = new List<LogFrame>();
        await foreach (var frame in host.Client.FollowLogsAsync(submitted.JobID, execution.Value, follow: false, Ct))
        {
            replayed.Add(frame);
        }

        Assert.Equal(["stdout", "stderr"], replayed.Select(f => f.Stream));
        Assert.Equal(plain, string.Concat(replayed.Select(f => f.Data)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Results_WithLongStdout_GiveItsCidButDoNotInlineIt()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var put = await host.Client.SubmitJobAsync("Name: chatty\nMeta: {pad: \"100000\"}\nTasks:\n  - Engine: {Type: noop}\n", cancellationToken: Ct);
        var done = await host.Client.WaitForJobAsync(put.JobID, null, TimeSpan.FromMilliseconds(20), Ct);
        var result = Assert.Single((await host.Client.GetJobResultsAsync(put.JobID, Ct)).Items);
        Assert.Null(result.Stdout);
        Assert.NotNull(result.StdoutCID);
        Assert.Equal(InProcessComputeNode.StderrOf(ExecutionId.Parse(done.Executions[0].ID)), result.Stderr);
        using var stdout = new MemoryStream();
        await host.Client.CatAsync(result.StdoutCID, stdout, cancellationToken: Ct);
        Assert.Equal(InProcessComputeNode.StdoutOf(ExecutionId.Parse(done.Executions[0].ID)) + new string('x', 100_000), System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact(Timeout = 60_000)]
    public async Task Nodes_AndAgent_DescribeTheComputeNode()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        Assert.Equal("OK", (await host.Client.IsAliveAsync(Ct)).Status);
        Assert.False(string.IsNullOrEmpty((await host.Client.GetVersionAsync(Ct)).Version));
        var node = Assert.Single((await host.Client.ListNodesAsync(Ct)).Items);
        Assert.Equal(host.Compute.Info, node with { Labels = host.Compute.Info.Labels, Engines = host.Compute.Info.Engines, InputSources = host.Compute.Info.InputSources });
        Assert.Equal(host.Compute.Info.Engines, node.Engines);
        Assert.Equal("test", node.Labels["region"]);
        Assert.Equal(host.Compute.Id, (await host.Client.GetNodeAsync(Ct)).Id);
    }

    private sealed class SyncProgress(Action<JobProgress> report) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => report(value);
    }
}
