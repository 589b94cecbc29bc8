using System.Text;
using Cairn.Executors.Docker.Tests.Podman;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Cairn.Jobs.Specs;
using Cairn.Multiformats;

namespace Cairn.Executors.Docker.Tests;

/// <summary>The docker executor against a real Podman API service (scripts/podman-service).</summary>
public sealed class DockerExecutorTests : IDisposable
{
    private readonly TempDir _dir = new();

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_Echo_SeparatesStdoutAndStderr()
    {
        var run = await RunAsync(Task(["sh", "-c", "echo out; echo err >&2; echo out2"]));
        Assert.True(run.Result.Succeeded, run.Result.Error);
        Assert.Equal("out\nout2\n", run.Stdout);
        Assert.Equal("err\n", run.Stderr);
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_NonZeroExit_IsAResultWithTheCode()
    {
        var run = await RunAsync(Task(["sh", "-c", "exit 3"]));
        Assert.False(run.Result.Succeeded);
        Assert.Equal(3, run.Result.ExitCode);
        Assert.Null(run.Result.Error);
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_EntrypointEnvAndWorkingDirectory_AreApplied()
    {
        var task = Task(["echo $FROM_ENGINE $FROM_TASK; pwd"], entrypoint: ["/bin/sh", "-c"], env: ["FROM_ENGINE=engine"], workingDirectory: "/tmp") with
        {
            Env = new Dictionary<string, string>(StringComparer.Ordinal) { ["FROM_TASK"] = "task" },
        };
        var run = await RunAsync(task);
        Assert.True(run.Result.Succeeded, run.Result.Error);
        Assert.Equal("engine task\n/tmp\n", run.Stdout);
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_Input_IsReadOnlyAndTheResultPathWritable()
    {
        var run = await RunAsync(Task(["sh", "-c", "cat /inputs/hello.txt; if echo x > /inputs/new.txt; then echo WROTE; else echo refused; fi; echo made > /outputs/made.txt"]));
        Assert.True(run.Result.Succeeded, run.Result.Error);
        Assert.Equal("Hello\nrefused\n", run.Stdout);
        Assert.Contains("Read-only file system", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(run.InputHost, "new.txt")));
        Assert.Equal("made\n", File.ReadAllText(Path.Combine(run.OutputHost, "made.txt")));
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_FileInput_IsMountedAtItsTargetReadOnly()
    {
        using var executor = new DockerExecutor(new DockerApiClient(PodmanService.SocketPath));
        var task = Task(["sh", "-c", "cat /data/words.txt; ls /data; if echo x >> /data/words.txt; then echo WROTE; else echo refused; fi"]);
        var (request, stdout, _, _, _) = Prepare(task, null);
        var file = _dir.Combine("words-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(file, "one two\n");
        request = request with { Inputs = [new PreparedInput("words", "/data/words.txt", file, Cid.Compute(1, Multicodec.Raw, "one two\n"u8), 8)] };

        var result = await executor.RunAsync(request, CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("one two\nwords.txt\nrefused\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("one two\n", File.ReadAllText(file));
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_DefaultNetwork_HasOnlyLoopback()
    {
        // /proc/net/dev lists the interfaces of the container's network namespace (two header lines).
        var run = await RunAsync(Task(["sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"]));
        Assert.True(run.Result.Succeeded, run.Result.Error);
        Assert.Equal("lo\n", run.Stdout);
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_MemoryAndCpuResources_BecomeCgroupLimits()
    {
        var task = Task(["sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max"]) with
        {
            Resources = new Resources { CpuMillis = 500, MemoryBytes = 64L << 20 },
        };
        var run = await RunAsync(task);
        Assert.True(run.Result.Succeeded, run.Result.Error);
        // 500 millicores = half of the default 100 ms CFS period.
        Assert.Equal($"{64L << 20}\n50000\n", run.Stdout);
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_BusyLoop_ReportsCpuTimeAndMemoryPeak()
    {
        var run = await RunAsync(Task(["sh", "-c", "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done; echo done"]));
        Assert.True(run.Result.Succeeded, run.Result.Error);
        Assert.True(run.Result.Usage.CpuMillis > 0, $"cpu {run.Result.Usage.CpuMillis} ms");
        Assert.True(run.Result.PeakMemoryBytes > 0);
        Assert.True(run.Result.Usage.GbMillis > 0);
        Assert.Equal(0, run.Result.Usage.Fuel);
        // CPU time cannot exceed wall time on the cores there are.
        Assert.True(run.Result.Usage.CpuMillis <= (run.Result.WallTime.TotalMilliseconds + 1) * Environment.ProcessorCount);
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_PastItsTimeout_IsKilledAndRemoved()
    {
        using var client = new DockerApiClient(PodmanService.SocketPath);
        var run = await RunAsync(Task(["sh", "-c", "echo started; sleep 600; echo never"]), timeout: TimeSpan.FromSeconds(2));
        Assert.False(run.Result.Succeeded);
        Assert.Equal("execution timeout of 2s exceeded", run.Result.Error);
        // Whatever it printed before the kill is kept (on a starved machine that may be nothing yet).
        Assert.DoesNotContain("never", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(await client.ListContainersAsync($"{DockerExecutor.ExecutionLabel}={run.ExecutionId}", CancellationToken.None));
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_Cancelled_ThrowsAndRemovesTheContainer()
    {
        using var client = new DockerApiClient(PodmanService.SocketPath);
        using var executor = new DockerExecutor(client);
        var (request, stdout, _, _, _) = Prepare(Task(["sh", "-c", "echo started; sleep 600"]), null);
        using var cts = new CancellationTokenSource();
        var running = executor.RunAsync(request, cts.Token);
        // Cancel once the container demonstrably runs.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (stdout.Length == 0 && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            await System.Threading.Tasks.Task.Delay(50);
        }

        Assert.Equal("started\n", Encoding.UTF8.GetString(stdout.ToArray()));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Empty(await client.ListContainersAsync($"{DockerExecutor.ExecutionLabel}={request.ExecutionId}", CancellationToken.None));
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_MissingImage_ThrowsNotFoundWithAHint()
    {
        var e = await Assert.ThrowsAsync<CairnException>(() => RunAsync(Task(["true"], image: "cairn.invalid/no-such-image:0")));
        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains("Engine.Params.Image", e.Message, StringComparison.Ordinal);
        Assert.Contains("cairn.invalid/no-such-image:0", e.Message, StringComparison.Ordinal);
        Assert.Contains("pull", e.Hint, StringComparison.Ordinal);
    }

    [PodmanFact(Timeout = 120_000)]
    public async Task Run_MissingExecutable_FailsAsAResult()
    {
        var run = await RunAsync(Task([], entrypoint: ["/no/such/program"]));
        Assert.False(run.Result.Succeeded);
        Assert.NotEqual(0, run.Result.ExitCode);
    }

    [PodmanFact(Timeout = 60_000)]
    public async Task Ping_RunningService_Answers()
    {
        using var client = new DockerApiClient(PodmanService.SocketPath);
        Assert.True(await client.PingAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    [Fact(Timeout = 60_000)]
    public async Task Ping_NoSocket_IsFalse()
    {
        using var client = new DockerApiClient(_dir.Combine("none.sock"));
        Assert.False(await client.PingAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Null(await DockerExecutor.ConnectAsync("unix://" + _dir.Combine("none.sock"), TimeSpan.FromSeconds(5), null, CancellationToken.None));
    }

    [Fact]
    public void GetArtifacts_WithoutImage_NamesTheField()
    {
        using var executor = new DockerExecutor(new DockerApiClient(_dir.Combine("unused.sock")));
        var task = new JobTask { Name = "main", Engine = new SpecConfig { Type = "docker", Params = SpecParams.Create([new("Parameters", new List<object?> { "echo" })]) } };
        var e = Assert.Throws<JobSpecException>(() => executor.GetArtifacts(task));
        Assert.Contains("Engine.Params.Image", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetArtifacts_UnknownParameter_NamesTheField()
    {
        using var executor = new DockerExecutor(new DockerApiClient(_dir.Combine("unused.sock")));
        var task = new JobTask { Name = "main", Engine = new SpecConfig { Type = "docker", Params = SpecParams.Create([new("Image", "busybox"), new("Comand", "echo")]) } };
        var e = Assert.Throws<JobSpecException>(() => executor.GetArtifacts(task));
        Assert.Contains("Comand", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetArtifacts_HttpNetwork_IsUnsupported()
    {
        using var executor = new DockerExecutor(new DockerApiClient(_dir.Combine("unused.sock")));
        var task = Task(["true"]) with { Network = new NetworkConfig { Type = NetworkMode.Http, Domains = ["example.com"] } };
        var e = Assert.Throws<CairnException>(() => executor.GetArtifacts(task));
        Assert.Equal(ErrorCode.Unsupported, e.Code);
        Assert.Contains("Network.Type", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateBody_MapsTheSpec()
    {
        var task = Task(["a b", "c"], entrypoint: ["/bin/sh"], env: ["A=1"], workingDirectory: "/work") with
        {
            Network = new NetworkConfig { Type = NetworkMode.Full },
            Resources = new Resources { CpuMillis = 1500, MemoryBytes = 256L << 20 },
            Env = new Dictionary<string, string>(StringComparer.Ordinal) { ["B"] = "2" },
        };
        var (request, _, _, _, _) = Prepare(task, null);
        var body = DockerExecutor.CreateBody(request, DockerEngineParams.FromSpec(task.Engine));
        Assert.Equal("busybox:1.37.0", (string?)body["Image"]);
        Assert.Equal("[\"/bin/sh\"]", body["Entrypoint"]!.ToJsonString());
        Assert.Equal("[\"a b\",\"c\"]", body["Cmd"]!.ToJsonString());
        Assert.Equal("[\"A=1\",\"B=2\"]", body["Env"]!.ToJsonString());
        Assert.Equal("/work", (string?)body["WorkingDir"]);
        var host = body["HostConfig"]!;
        Assert.Equal("bridge", (string?)host["NetworkMode"]);
        Assert.Equal(1_500_000_000L, (long?)host["NanoCpus"]);
        Assert.Equal(256L << 20, (long?)host["Memory"]);
        var mounts = host["Mounts"]!.AsArray();
        Assert.Equal(2, mounts.Count);
        Assert.Equal("/inputs", (string?)mounts[0]!["Target"]);
        Assert.True((bool?)mounts[0]!["ReadOnly"]);
        Assert.Equal("/outputs", (string?)mounts[1]!["Target"]);
        Assert.False((bool?)mounts[1]!["ReadOnly"]);
    }

    [Fact]
    public void CreateBody_TwoMountsAtOneTarget_AreRejected()
    {
        var task = Task(["true"]);
        var (request, _, _, _, _) = Prepare(task, null);
        request = request with { Outputs = [new PreparedOutput("out", "/inputs/", _dir.Combine("other"))] };
        var e = Assert.Throws<CairnException>(() => DockerExecutor.CreateBody(request, DockerEngineParams.FromSpec(task.Engine)));
        Assert.Contains("/inputs", e.Message, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public void Dispose() => _dir.Dispose();

    private static JobTask Task(IReadOnlyList<string> parameters, IReadOnlyList<string>? entrypoint = null, IReadOnlyList<string>? env = null, string? workingDirectory = null, string image = PodmanService.Image) =>
        new() { Name = "main", Engine = DockerSpecs.Engine(image, parameters, entrypoint, env, workingDirectory) };

    private async Task<Run> RunAsync(JobTask task, TimeSpan? timeout = null)
    {
        using var executor = new DockerExecutor(new DockerApiClient(PodmanService.SocketPath));
        var (request, stdout, stderr, input, output) = Prepare(task, timeout);
        Assert.Empty(executor.GetArtifacts(task));
        var result = await executor.RunAsync(request, CancellationToken.None);
        return new Run(result, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()), input, output, request.ExecutionId);
    }

    private (ExecutorRequest Request, MemoryStream Stdout, MemoryStream Stderr, string Input, string Output) Prepare(JobTask task, TimeSpan? timeout)
    {
        var root = _dir.Combine(Guid.NewGuid().ToString("N"));
        var input = Path.Combine(root, "inputs");
        Directory.CreateDirectory(input);
        File.WriteAllText(Path.Combine(input, "hello.txt"), "Hello\n");
        var output = Path.Combine(root, "outputs");
        Directory.CreateDirectory(output);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var request = new ExecutorRequest
        {
            ExecutionId = ExecutionId.New(),
            Job = new Job { Id = JobId.New(), Name = "docker-tests", Tasks = [task] },
            Task = task,
            Inputs = [new PreparedInput("data", "/inputs", input, Cid.Compute(1, Multicodec.Raw, "placeholder"u8), 6)],
            Outputs = [new PreparedOutput("out", "/outputs", output)],
            Stdout = stdout,
            Stderr = stderr,
            Limits = new ExecutionLimits { Timeout = timeout ?? TimeSpan.FromSeconds(60) },
        };
        return (request, stdout, stderr, input, output);
    }

    private sealed record Run(ExecutorResult Result, string Stdout, string Stderr, string InputHost, string OutputHost, ExecutionId ExecutionId);
}
