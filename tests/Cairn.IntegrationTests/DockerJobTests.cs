using Cairn.ApiModels;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Executors.Docker.Tests.Podman;
using Cairn.Jobs;

namespace Cairn.IntegrationTests;

/// <summary>
/// Bacalhau's docker example jobs (testdata/jobs/docker-*.yaml, with the local busybox:1.37.0 image and
/// its /bin/sh in place of ubuntu's bash) submitted to a real node whose docker engine is Podman's service.
/// </summary>
public class DockerJobTests
{
    [PodmanFact(Timeout = 180_000)]
    public async Task HelloWorld_WithCountTwo_RunsTwiceAndCapturesStdout()
    {
        var ct = TestContext.Current;
        await using var node = await StartAsync(ct);
        const string spec = """
            Name: A Simple Docker Job
            Type: batch
            Count: 2
            Tasks:
              - Name: My main task
                Engine:
                  Type: docker
                  Params:
                    Image: busybox:1.37.0
                    Entrypoint:
                      - /bin/sh
                    Parameters:
                      - -c
                      - echo Hello Bacalhau!
            """;

        var job = await node.RunAsync(spec, ct);

        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        Assert.Equal(2, job.Executions.Count(e => e.State == ExecutionState.Completed));
        Assert.All(job.Executions, e => Assert.NotNull(e.Usage));
        var results = await node.Client.GetJobResultsAsync(job.Job.ID, ct);
        Assert.Equal(2, results.Items.Count);
        Assert.All(results.Items, r => Assert.Equal("Hello Bacalhau!\n", r.Stdout));
    }

    [PodmanFact(Timeout = 180_000)]
    public async Task OutputJob_ResultPathDownloadedByCid_IsWhatTheContainerWrote()
    {
        var ct = TestContext.Current;
        await using var node = await StartAsync(ct);
        const string spec = """
            name: Docker Job with Output
            type: batch
            namespace: default
            count: 1
            tasks:
              - name: main
                engine:
                  type: docker
                  params:
                    Image: busybox:1.37.0
                    Entrypoint:
                      - /bin/sh
                    Parameters:
                      - -c
                      - echo 15 > /output_custom/output.txt
                publisher:
                  type: ipfs
                resultpaths:
                  - name: output_custom
                    path: /output_custom
            """;

        var job = await node.RunAsync(spec, ct);

        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        var result = Assert.Single((await node.Client.GetJobResultsAsync(job.Job.ID, ct)).Items);
        using var other = new TempDir();
        using (var repo = ContentRepo.Open(other.Combine("home")))
        {
            await node.Client.ImportCarAsync(result.Outputs["output_custom"], repo, pin: true, ct);
            await new UnixFsExporter(repo.Blocks).ExportAsync(Cairn.Multiformats.Cid.Parse(result.Outputs["output_custom"]), other.Combine("out"), ct);
        }

        Assert.Equal("15\n", await File.ReadAllTextAsync(other.Combine("out", "output.txt"), ct));
    }

    [PodmanFact(Timeout = 180_000)]
    public async Task LogEmitter_StreamsLinesWhileRunning_AndStopKillsIt()
    {
        var ct = TestContext.Current;
        await using var node = await StartAsync(ct);
        const string spec = """
            Name: log-emitter
            Type: batch
            Tasks:
              - Name: main
                Engine:
                  Type: docker
                  Params:
                    Image: busybox:1.37.0
                    Parameters: [sh, -c, 'i=1; while [ $i -le 600 ]; do echo "log line $i"; i=$((i+1)); sleep 1; done']
            """;
        var submitted = await node.Client.SubmitJobAsync(spec, null, ct);

        // Two lines arrive over the WebSocket while the job still runs (it would run for 10 minutes).
        var seen = await FollowUntilAsync(node, submitted.JobID, "log line 2\n", ct);

        Assert.StartsWith("log line 1\nlog line 2\n", seen, StringComparison.Ordinal);
        Assert.Equal(JobState.Running, (await node.Client.GetJobAsync(submitted.JobID, ct)).Job.State);
        await node.Client.StopJobAsync(submitted.JobID, "enough lines", ct);
        var job = await node.WaitAsync(submitted.JobID, j => JobStateMachine.IsTerminal(j.Job.State) && j.Executions.All(e => ExecutionStateMachine.IsTerminal(e.State)), ct);
        Assert.Equal(JobState.Stopped, job.Job.State);
    }

    [PodmanFact(Timeout = 180_000)]
    public async Task PastItsExecutionTimeout_TheJobFailsNamingTheTimeout()
    {
        var ct = TestContext.Current;
        await using var node = await StartAsync(ct);
        const string spec = """
            Name: too-slow
            Type: batch
            Tasks:
              - Name: main
                Engine:
                  Type: docker
                  Params:
                    Image: busybox:1.37.0
                    Parameters: [sleep, "600"]
                Timeouts:
                  ExecutionTimeout: 2
            """;

        var job = await node.RunAsync(spec, ct);

        Assert.Equal(JobState.Failed, job.Job.State);
        Assert.Contains(job.Executions, e => e.StateMessage is { } m && m.Contains("execution timeout of 2s exceeded", StringComparison.Ordinal));
    }

    [PodmanFact(Timeout = 180_000)]
    public async Task IpfsInput_IsReadableButNotWritable_AndTheNetworkIsNone()
    {
        var ct = TestContext.Current;
        await using var node = await StartAsync(ct);
        using var data = new TempDir();
        Directory.CreateDirectory(data.Combine("in"));
        await File.WriteAllTextAsync(data.Combine("in", "data.txt"), "compute over data\n", ct);
        var cid = await JobLoopTests.AddAsync(node.Home, data.Combine("in"), ct);
        var spec = $$"""
            Name: read-only-input
            Type: batch
            Tasks:
              - Name: main
                Engine:
                  Type: docker
                  Params:
                    Image: busybox:1.37.0
                    Parameters:
                      - sh
                      - -c
                      - >-
                        cat /inputs/data.txt;
                        if echo changed > /inputs/data.txt; then echo WROTE; else echo refused; fi;
                        if touch /inputs/new.txt; then echo CREATED; else echo refused; fi;
                        tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '
                InputSources:
                  - Target: /inputs
                    Source:
                      Type: ipfs
                      Params: {CID: {{cid}} }
            """;

        var job = await node.RunAsync(spec, ct);

        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        var result = Assert.Single((await node.Client.GetJobResultsAsync(job.Job.ID, ct)).Items);
        Assert.Equal("compute over data\nrefused\nrefused\nlo\n", result.Stdout);
    }

    [PodmanFact(Timeout = 180_000)]
    public async Task DaemonJob_RunsItsContainerUntilStopped()
    {
        var ct = TestContext.Current;
        await using var node = await StartAsync(ct);
        const string spec = """
            Name: heartbeat-daemon
            Type: daemon
            Tasks:
              - Name: main
                Engine:
                  Type: docker
                  Params:
                    Image: busybox:1.37.0
                    Entrypoint: [/bin/sh, -c]
                    Parameters: ['while true; do echo alive; sleep 1; done']
            """;
        var submitted = await node.Client.SubmitJobAsync(spec, null, ct);

        await FollowUntilAsync(node, submitted.JobID, "alive\n", ct);

        var running = await node.Client.GetJobAsync(submitted.JobID, ct);
        Assert.Equal(JobState.Running, running.Job.State);
        Assert.Equal(ExecutionState.Running, Assert.Single(running.Executions).State);
        await node.Client.StopJobAsync(submitted.JobID, "daemon test over", ct);
        var job = await node.WaitAsync(submitted.JobID, j => JobStateMachine.IsTerminal(j.Job.State) && j.Executions.All(e => ExecutionStateMachine.IsTerminal(e.State)), ct);
        Assert.Equal(JobState.Stopped, job.Job.State);
        Assert.All(job.Executions, e => Assert.Equal(ExecutionState.Cancelled, e.State));
    }

    [PodmanFact(Timeout = 180_000)]
    public async Task BusyContainer_IsMeteredAndPaidForItsCpuTime()
    {
        var ct = TestContext.Current;
        // 1000 per CPU-second: one unit per CPU millisecond, so even a short run earns something.
        await using var node = await TestNode.StartAsync(ct, o => o with
        {
            DockerHost = "unix://" + PodmanService.SocketPath,
            Prices = new Cairn.Market.UsagePrices(PerMegaFuel: 10, PerCpuSecond: 1000, PerGbSecond: 0),
        });
        const string spec = """
            Name: busy
            Type: batch
            Tasks:
              - Name: main
                Engine:
                  Type: docker
                  Params:
                    Image: busybox:1.37.0
                    Parameters: [sh, -c, 'i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done; echo counted $i']
            """;

        var job = await node.RunAsync(spec, ct);
        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        job = await node.WaitSettledAsync(job.Job.ID, ct);

        var execution = Assert.Single(job.Executions);
        Assert.NotNull(execution.Usage);
        Assert.Equal(0, execution.Usage.Fuel);
        Assert.True(execution.Usage.CpuMillis > 0, "no CPU time metered");
        Assert.True(execution.Paid > 0, $"paid {execution.Paid} for {execution.Usage.CpuMillis} CPU ms");
        // Paid is the metered cost less the protocol fee, never more than the CPU time priced.
        Assert.True(execution.Paid <= execution.Usage.CpuMillis);
    }

    [PodmanFact(Timeout = 180_000)]
    public async Task CliDockerRun_InputAndResult_StreamsOutputAndGetsTheFiles()
    {
        var ct = TestContext.Current;
        await using var node = await StartAsync(ct);
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("in"));
        await File.WriteAllTextAsync(dir.Combine("in", "words.txt"), "one two three\n", ct);
        var root = await JobLoopTests.AddAsync(node.Home, dir.Combine("in"), ct);
        var api = node.Node.ApiUrl.ToString();

        var run = await CairnProcess.RunAsync(
            ["docker", "run", "--follow", "-i", root + ":/data", "--api", api, "busybox:1.37.0", "--", "sh", "-c", "wc -w < /data/words.txt | tee /outputs/count.txt"],
            ct);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("3\n", run.Stdout, StringComparison.Ordinal);
        var jobId = System.Text.RegularExpressions.Regex.Match(run.Stdout + run.Stderr, @"(j-[0-9a-f-]{36})").Groups[1].Value;
        Assert.NotEmpty(jobId);
        var get = await CairnProcess.RunAsync(["job", "get", jobId, "-o", dir.Combine("results"), "--api", api, "--home", dir.Combine("client-home")], ct);
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal("3\n", await File.ReadAllTextAsync(dir.Combine("results", "outputs", "count.txt"), ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task WithoutAContainerRuntime_TheNodeStartsAndRejectsDockerJobs()
    {
        var ct = TestContext.Current;
        using var dir = new TempDir();
        await using var node = await TestNode.StartAsync(ct, o => o with { DockerHost = "unix://" + dir.Combine("no-runtime.sock") });
        const string spec = "Name: d\nType: batch\nTasks:\n  - Name: main\n    Engine: {Type: docker, Params: {Image: busybox:1.37.0}}\n";

        var e = await Assert.ThrowsAnyAsync<CairnException>(() => node.Client.SubmitJobAsync(spec, null, ct));

        Assert.Contains("unknown engine 'docker'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Follows the job's logs until <paramref name="expected"/> has been streamed; returns the text so far.
    /// A follow opened before the execution runs ends at once (nothing to follow yet): open it again.
    /// </summary>
    private static async Task<string> FollowUntilAsync(TestNode node, string jobId, string expected, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        while (true)
        {
            await node.WaitAsync(jobId, j => j.Executions.Any(e => e.State == ExecutionState.Running), limit.Token);
            var text = new System.Text.StringBuilder();
            await foreach (var frame in node.Client.FollowLogsAsync(jobId, null, follow: true, limit.Token))
            {
                text.Append(frame.Data);
                if (text.ToString().Contains(expected, StringComparison.Ordinal))
                {
                    return text.ToString();
                }
            }

            await Task.Delay(100, limit.Token);
        }
    }

    private static Task<TestNode> StartAsync(CancellationToken cancellationToken) =>
        TestNode.StartAsync(cancellationToken, o => o with { DockerHost = "unix://" + PodmanService.SocketPath });
}
