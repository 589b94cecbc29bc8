using System.Text;
using Cairn.Compute.Tests.Conformance;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Cairn.Market;
using Cairn.Multiformats;
using Cairn.Tests.Shared;

namespace Cairn.Executors.Wasm.Tests;

/// <summary>The wasm executor on the committed C modules: outcomes, limits, cancellation, the sandbox.</summary>
public sealed class WasmExecutorTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Run_Transform_WritesUpperCasedCopiesAndCannotWriteItsInput()
    {
        var (request, stdout, stderr) = Request("transform", ["/inputs", "/outputs"]);
        var result = await new WasmExecutor().RunAsync(request, TestToken());
        Assert.True(result.Succeeded, result.Error);
        var input = request.Inputs[0].HostPath;
        var output = request.Outputs[0].HostPath;
        foreach (var file in Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories))
        {
            var expected = Encoding.ASCII.GetString(File.ReadAllBytes(file)).ToUpperInvariant();
            Assert.Equal(expected, File.ReadAllText(Path.Combine(output, Path.GetRelativePath(input, file))));
        }

        Assert.Contains("input write refused", Text(stderr), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(input, "cairn-write-probe")));
        Assert.Contains("copied 2 files", Text(stdout), StringComparison.Ordinal);
        Assert.True(result.Usage.Fuel > 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_Transform_WritesWhatNodesWasiWritesForTheSameModuleAndInputs()
    {
        var (request, stdout, _) = Request("transform", ["/inputs", "/outputs"], env: new Dictionary<string, string> { ["GREETING"] = "oracle" });
        var result = await new WasmExecutor().RunAsync(request, TestToken());
        Assert.True(result.Succeeded, result.Error);

        // Node's WASI (the reference) on a copy of the same inputs; it has no read-only preopens, so
        // its copy may gain the module's write probe, which is left out of the comparison.
        var nodeIn = _dir.Combine("node-in");
        var nodeOut = _dir.Combine("node-out");
        CopyTree(request.Inputs[0].HostPath, nodeIn);
        Directory.CreateDirectory(nodeOut);
        var nodeStdout = await NodeOracle.RunAsync(
            "wasm-wasi.mjs",
            ["--dir", nodeIn + ":/inputs", "--dir", nodeOut + ":/outputs", "--env", "GREETING=oracle", ExecutorModules.PathOf("transform"), "/inputs", "/outputs"],
            TestToken());
        Assert.Equal(Text(stdout).TrimEnd('\n'), nodeStdout.Replace("copied 3 files", "copied 2 files", StringComparison.Ordinal));
        var ours = Tree(request.Outputs[0].HostPath);
        var theirs = Tree(nodeOut);
        theirs.Remove("cairn-write-probe");
        Assert.Equal(theirs, ours);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    private static SortedDictionary<string, string> Tree(string root) => new(
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText),
        StringComparer.Ordinal);

    [Fact(Timeout = 60_000)]
    public async Task Run_Environment_TaskEnvOverridesEngineVariables()
    {
        var engineOnly = Request("transform", ["/inputs", "/outputs"], env: new Dictionary<string, string> { ["GREETING"] = "engine" });
        await new WasmExecutor().RunAsync(engineOnly.Request, TestToken());
        Assert.Contains("greeting=engine", Text(engineOnly.Stdout), StringComparison.Ordinal);

        var both = Request("transform", ["/inputs", "/outputs"], env: new Dictionary<string, string> { ["GREETING"] = "engine" }, taskEnv: new Dictionary<string, string> { ["GREETING"] = "task" });
        await new WasmExecutor().RunAsync(both.Request, TestToken());
        Assert.Contains("greeting=task", Text(both.Stdout), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_TwiceWithTheSameInputs_GivesTheSameOutputsFuelAndBill()
    {
        var executor = new WasmExecutor();
        var a = Request("transform", ["/inputs", "/outputs"]);
        var b = Request("transform", ["/inputs", "/outputs"]);
        var ra = await executor.RunAsync(a.Request, TestToken());
        var rb = await executor.RunAsync(b.Request, TestToken());
        // Billed usage is fuel alone: no wall-clock term that a busy machine would inflate.
        Assert.Equal(new Usage(ra.Usage.Fuel, 0, 0), ra.Usage);
        Assert.Equal(ra.Usage, rb.Usage);
        Assert.Equal(Text(a.Stdout), Text(b.Stdout));
        Assert.Equal(1, executor.CompiledModules);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_NonZeroExit_IsAResultWithThatCode()
    {
        var (request, stdout, stderr) = Request("exit3");
        var result = await new WasmExecutor().RunAsync(request, TestToken());
        Assert.Equal(3, result.ExitCode);
        Assert.Null(result.Error);
        Assert.False(result.Succeeded);
        Assert.Equal("about to fail\n", Text(stdout));
        Assert.Equal("failing on purpose\n", Text(stderr));
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_Trap_NamesTheTrapAndFunction()
    {
        var (request, stdout, _) = Request("trap");
        var result = await new WasmExecutor().RunAsync(request, TestToken());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("wasm trap: unreachable in function explode", result.Error);
        Assert.Equal("before the trap\n", Text(stdout));
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_EndlessLoopWithTimeout_IsNamedTimedOut()
    {
        var (request, _, _) = Request("loop", limits: new ExecutionLimits { Timeout = TimeSpan.FromMilliseconds(300) });
        var result = await new WasmExecutor().RunAsync(request, TestToken());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("execution timeout of 0.3s exceeded", result.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_EndlessLoopWithFuel_IsNamedOutOfFuelAndUsesTheLimit()
    {
        var (request, stdout, _) = Request("loop", limits: new ExecutionLimits { Fuel = 20_000_000 });
        var result = await new WasmExecutor().RunAsync(request, TestToken());
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("out of fuel", result.Error, StringComparison.Ordinal);
        Assert.InRange(result.Usage.Fuel, 20_000_000, 20_100_000);
        Assert.StartsWith("tick 0\n", Text(stdout), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_CancelledMidRun_ThrowsPromptly()
    {
        var stdout = new SignallingStream();
        var (request, _, _) = Request("loop");
        request = request with { Stdout = stdout };
        using var cts = new CancellationTokenSource();
        var run = new WasmExecutor().RunAsync(request, cts.Token);
        await stdout.FirstWrite.WaitAsync(TestToken());
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_MemoryLimitBelowTheModulesMinimum_FailsNamingMemory()
    {
        var (request, _, _) = Request("transform", ["/inputs", "/outputs"], limits: new ExecutionLimits { MemoryBytes = 65536 });
        var result = await new WasmExecutor().RunAsync(request, TestToken());
        Assert.False(result.Succeeded);
        Assert.Contains("memory", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_ModuleThatIsNotWasm_FailsWithAClearError()
    {
        var (request, _, _) = Request("exit3");
        File.WriteAllBytes(request.Artifacts[0].HostPath, "not wasm"u8.ToArray());
        request = request with { Artifacts = [request.Artifacts[0] with { Cid = Cid.Compute(1, Multicodec.Raw, "not wasm"u8) }] };
        var result = await new WasmExecutor().RunAsync(request, TestToken());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a valid Wasm module", result.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_MissingEntrypoint_FailsNamingIt()
    {
        var engine = ExecutorModules.WasmEngine("exit3");
        var parameters = new Dictionary<string, object?>(engine.Params, StringComparer.OrdinalIgnoreCase) { ["Entrypoint"] = "nope" };
        var (request, _, _) = Request("exit3", engine: engine with { Params = parameters });
        var result = await new WasmExecutor().RunAsync(request, TestToken());
        Assert.False(result.Succeeded);
        Assert.Contains("nope", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GetArtifacts_WithImportModules_IsUnsupportedNamingTheField()
    {
        var engine = ExecutorModules.WasmEngine("exit3");
        var parameters = new Dictionary<string, object?>(engine.Params, StringComparer.OrdinalIgnoreCase)
        {
            ["ImportModules"] = new List<object?> { engine.Params["EntryModule"] },
        };
        var task = new JobTask { Name = "main", Engine = engine with { Params = parameters } };
        var e = Assert.Throws<CairnException>(() => new WasmExecutor().GetArtifacts(task));
        Assert.Equal(ErrorCode.Unsupported, e.Code);
        Assert.Contains("ImportModules", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetArtifacts_EntryModule_IsTheOnlyArtifact()
    {
        var artifacts = new WasmExecutor().GetArtifacts(new JobTask { Name = "main", Engine = ExecutorModules.WasmEngine("exit3") });
        var artifact = Assert.Single(artifacts);
        Assert.Equal("inline", artifact.Source.Type);
        Assert.Equal(ExecutorModules.DataUrl("exit3"), artifact.Source.GetParam("URL"));
    }

    private static CancellationToken TestToken() => new CancellationTokenSource(TimeSpan.FromSeconds(50)).Token;

    private static string Text(MemoryStream stream) => Encoding.UTF8.GetString(stream.ToArray());

    private (ExecutorRequest Request, MemoryStream Stdout, MemoryStream Stderr) Request(
        string module,
        IReadOnlyList<string>? parameters = null,
        ExecutionLimits? limits = null,
        IReadOnlyDictionary<string, string>? env = null,
        IReadOnlyDictionary<string, string>? taskEnv = null,
        SpecConfig? engine = null)
    {
        var root = _dir.Combine(Guid.NewGuid().ToString("n"));
        var input = Path.Combine(root, "inputs", "inputs");
        Directory.CreateDirectory(Path.Combine(input, "nested"));
        File.WriteAllText(Path.Combine(input, "a.txt"), "some text\n");
        File.WriteAllText(Path.Combine(input, "nested", "b.txt"), "More Text 123\n");
        var output = Path.Combine(root, "outputs", "0");
        var modulePath = Path.Combine(root, "artifacts", "0", module + ".wasm");
        Directory.CreateDirectory(Path.GetDirectoryName(modulePath)!);
        File.Copy(ExecutorModules.PathOf(module), modulePath);
        var bytes = File.ReadAllBytes(modulePath);
        var task = new JobTask
        {
            Name = "main",
            Engine = engine ?? ExecutorModules.WasmEngine(module, parameters, env),
            Env = taskEnv ?? new Dictionary<string, string>(),
        };
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        return (new ExecutorRequest
        {
            ExecutionId = ExecutionId.New(),
            Job = new Job { Id = JobId.New(), Name = "wasm-test", Tasks = [task] },
            Task = task,
            Inputs = [new PreparedInput(null, "/inputs", input, Cid.Compute(1, Multicodec.Raw, "x"u8), 0)],
            Artifacts = [new PreparedInput(null, module + ".wasm", modulePath, Cid.Compute(1, Multicodec.Raw, bytes), bytes.Length)],
            Outputs = [new PreparedOutput("out", "/outputs", output)],
            Stdout = stdout,
            Stderr = stderr,
            Limits = limits ?? new ExecutionLimits { Timeout = TimeSpan.FromSeconds(30) },
        }, stdout, stderr);
    }

    /// <summary>A stdout that completes <see cref="FirstWrite"/> once the module has written something.</summary>
    private sealed class SignallingStream : MemoryStream
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstWrite => _first.Task;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            base.Write(buffer);
            _first.TrySetResult();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            base.Write(buffer, offset, count);
            _first.TrySetResult();
        }
    }
}
