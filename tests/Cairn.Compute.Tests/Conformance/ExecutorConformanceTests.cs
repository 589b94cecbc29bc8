using System.Text;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Cairn.Jobs.Specs;
using Cairn.Multiformats;
using Cairn.Tests.Shared;

namespace Cairn.Compute.Tests.Conformance;

/// <summary>
/// What every <see cref="IExecutor"/> must do (STYLE.md: one suite per plug-in kind, inherited by each
/// backend's tests). A backend supplies the executor and a task that succeeds over an input directory
/// mounted at /inputs with a result path at /outputs; the suite prepares inputs and artifacts the way
/// the compute node does (inline artifacts decoded to files) and checks the contract.
/// </summary>
public abstract class ExecutorConformanceTests : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>The executor under test.</summary>
    protected abstract IExecutor CreateExecutor();

    /// <summary>A task that succeeds reading /inputs and writing /outputs.</summary>
    protected abstract JobTask SucceedingTask();

    /// <summary>Engine-specific checks of a successful run's outputs (host paths) and stdout.</summary>
    protected virtual void CheckSucceeded(string inputHost, string outputHost, string stdout)
    {
    }

    [ConformanceFact]
    public void Engine_IsALowercaseName()
    {
        var engine = CreateExecutor().Engine;
        Assert.False(string.IsNullOrWhiteSpace(engine));
        Assert.Equal(engine.ToLowerInvariant(), engine);
    }

    [ConformanceFact]
    public void GetArtifacts_CalledTwice_GivesTheSameSources()
    {
        var executor = CreateExecutor();
        var task = SucceedingTask();
        static string Describe(InputSource s) => $"{s.Alias}|{s.Target}|{s.Source.Type}|" + string.Join(";", s.Source.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal(executor.GetArtifacts(task).Select(Describe), executor.GetArtifacts(task).Select(Describe));
    }

    [ConformanceFact(Timeout = 60_000)]
    public async Task Run_SucceedingTask_ExitsZeroWithoutError()
    {
        var (request, stdout, _) = Prepare(SucceedingTask(), "ok");
        var result = await CreateExecutor().RunAsync(request, CancellationToken.None);
        Assert.True(result.Succeeded, $"exit {result.ExitCode}: {result.Error}");
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Error);
        Assert.True(result.Usage.Fuel >= 0 && result.Usage.CpuMillis >= 0 && result.Usage.GbMillis >= 0);
        CheckSucceeded(request.Inputs[0].HostPath, request.Outputs[0].HostPath, Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [ConformanceFact(Timeout = 60_000)]
    public async Task Run_SucceedingTask_LeavesItsInputsUnchanged()
    {
        var (request, _, _) = Prepare(SucceedingTask(), "inputs");
        var before = Snapshot(request.Inputs[0].HostPath);
        var result = await CreateExecutor().RunAsync(request, CancellationToken.None);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(before, Snapshot(request.Inputs[0].HostPath));
    }

    [ConformanceFact(Timeout = 60_000)]
    public async Task Run_WithCancelledToken_ThrowsOperationCanceled()
    {
        var (request, _, _) = Prepare(SucceedingTask(), "cancelled");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CreateExecutor().RunAsync(request, cts.Token));
    }

    [ConformanceFact(Timeout = 60_000)]
    public async Task Run_TwoAtOnce_BothSucceedIndependently()
    {
        var executor = CreateExecutor();
        var (a, _, _) = Prepare(SucceedingTask(), "a");
        var (b, _, _) = Prepare(SucceedingTask(), "b");
        var results = await Task.WhenAll(executor.RunAsync(a, CancellationToken.None), executor.RunAsync(b, CancellationToken.None));
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Lays out an input directory, an output directory and the task's artifacts like the compute node.</summary>
    protected (ExecutorRequest Request, MemoryStream Stdout, MemoryStream Stderr) Prepare(JobTask task, string name)
    {
        var root = _dir.Combine(name);
        var input = Path.Combine(root, "inputs", "inputs");
        Directory.CreateDirectory(Path.Combine(input, "sub"));
        File.WriteAllText(Path.Combine(input, "hello.txt"), "Hello, Cairn!\n");
        File.WriteAllText(Path.Combine(input, "sub", "data.csv"), "a,b\n1,2\n");
        var output = Path.Combine(root, "outputs", "0");
        Directory.CreateDirectory(output);
        var artifacts = new List<PreparedInput>();
        var sources = CreateExecutor().GetArtifacts(task);
        for (var i = 0; i < sources.Count; i++)
        {
            Assert.Equal("inline", sources[i].Source.Type);
            Assert.True(DataUrl.TryParse(sources[i].Source.GetParam("URL") as string, out var data, out var error), error);
            var host = Path.Combine(root, "artifacts", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "main.wasm");
            Directory.CreateDirectory(Path.GetDirectoryName(host)!);
            File.WriteAllBytes(host, data.Data.ToArray());
            artifacts.Add(new PreparedInput(null, "main.wasm", host, Cid.Compute(1, Multicodec.Raw, data.Data.Span), data.Data.Length));
        }

        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var request = new ExecutorRequest
        {
            ExecutionId = ExecutionId.New(),
            Job = new Job { Id = JobId.New(), Name = "conformance", Tasks = [task] },
            Task = task,
            Inputs = [new PreparedInput("data", "/inputs", input, Cid.Compute(1, Multicodec.Raw, "placeholder"u8), 0)],
            Artifacts = artifacts,
            Outputs = [new PreparedOutput("out", "/outputs", output)],
            Stdout = stdout,
            Stderr = stderr,
            Limits = new ExecutionLimits { Timeout = TimeSpan.FromSeconds(30) },
        };
        return (request, stdout, stderr);
    }

    private static SortedDictionary<string, string> Snapshot(string dir) => new(
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(dir, p), p => File.Exists(p) ? Convert.ToHexString(File.ReadAllBytes(p)) : "<dir>"),
        StringComparer.Ordinal);
}
