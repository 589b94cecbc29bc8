using System.Text;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Jobs;

namespace Cairn.IntegrationTests;

/// <summary>Jobs submitted over the API of a real embedded node, run by the real compute node and Wasm engine.</summary>
public class JobLoopTests
{
    [Fact(Timeout = 120_000)]
    public async Task WasmJob_OverAnIpfsInput_PublishesWhatTheModuleWrote()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        using var data = new TempDir();
        Directory.CreateDirectory(data.Combine("in", "sub"));
        var files = new Dictionary<string, string>
        {
            ["a.txt"] = "hello, cairn\n",
            ["sub/b.txt"] = "compute over data\nby content address\n",
        };
        foreach (var (name, text) in files)
        {
            await File.WriteAllTextAsync(data.Combine("in", name), text, ct);
        }

        var root = await AddAsync(node.Home, data.Combine("in"), ct);
        var spec = Modules.TasksSpec(
            ["upper", "/inputs", "/outputs/up"],
            taskExtra: $"    InputSources:\n      - Target: /inputs\n        Source: {{Type: ipfs, Params: {{CID: {root}}}}}\n    ResultPaths:\n      - {{Name: outputs, Path: /outputs}}\n");

        var job = await node.RunAsync(spec, ct);

        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        var results = await node.Client.GetJobResultsAsync(job.Job.ID, ct);
        var result = Assert.Single(results.Items);
        Assert.NotNull(result.ReceiptCID);

        // Download the output as a CAR into a second, empty home (every block verified), then compare
        // the files with the transformation done here.
        using var other = new TempDir();
        using (var repo = ContentRepo.Open(other.Combine("home")))
        {
            await node.Client.ImportCarAsync(result.Outputs["outputs"], repo, pin: true, ct);
            await new UnixFsExporter(repo.Blocks).ExportAsync(Cairn.Multiformats.Cid.Parse(result.Outputs["outputs"]), other.Combine("out"), ct);
        }

        foreach (var (name, text) in files)
        {
            Assert.Equal(text.ToUpperInvariant(), await File.ReadAllTextAsync(other.Combine("out", "up", name), ct));
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("noop.yaml")]
    [InlineData("wasm-inline.yaml")]
    public async Task BacalhauExampleSpec_Unchanged_Completes(string file)
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        var spec = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "Cairn.Orchestrator.Tests", "Specs", file), ct);

        var job = await node.RunAsync(spec, ct);

        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        Assert.Equal(ExecutionState.Completed, Assert.Single(job.Executions).State);
    }

    [Fact(Timeout = 120_000)]
    public async Task WasmJob_EnvironmentAndParameters_ReachTheModule()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        var spec = Modules.TasksSpec(["env", "MODE", "TEAM"], taskExtra: "    Env: {TEAM: blue}\n").Replace(
            "        Parameters:",
            "        EnvironmentVariables: {MODE: count}\n        Entrypoint: _start\n        Parameters:",
            StringComparison.Ordinal);

        var job = await node.RunAsync(spec, ct);

        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        var result = Assert.Single((await node.Client.GetJobResultsAsync(job.Job.ID, ct)).Items);
        Assert.Equal("MODE=count\nTEAM=blue\n", result.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Inputs_InlineUrlAndLocal_AreAllMounted()
    {
        var ct = TestContext.Current;
        using var allowed = new TempDir();
        await File.WriteAllTextAsync(allowed.Combine("local.txt"), "from the host\n", ct);
        await using var server = await StaticHttpServer.StartAsync("served over http\n", ct);
        await using var node = await TestNode.StartAsync(ct, o => o with { AllowedLocalPaths = [allowed.Path] });
        var inputs = $$$"""
                InputSources:
                  - Target: /in/inline
                    Source: {Type: inline, Params: {URL: "data:text/plain,inline%20text%0A"}}
                  - Target: /in/url
                    Source: {Type: url, Params: {URL: "{{{server.Url}}}"}}
                  - Target: /in/local
                    Source: {Type: local, Params: {SourcePath: "{{{allowed.Combine("local.txt")}}}"}}
                ResultPaths:
                  - {Name: outputs, Path: /outputs}

            """;
        var spec = Modules.TasksSpec(["upper", "/in", "/outputs/up"], taskExtra: inputs);

        var job = await node.RunAsync(spec, ct);

        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        var result = Assert.Single((await node.Client.GetJobResultsAsync(job.Job.ID, ct)).Items);
        var stdout = result.Stdout ?? string.Empty;
        Assert.Contains("/outputs/up/inline 12", stdout, StringComparison.Ordinal);
        Assert.Contains("/outputs/up/url 17", stdout, StringComparison.Ordinal);
        Assert.Contains("/outputs/up/local 14", stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task LocalInput_OutsideTheAllowList_FailsWithTheReason()
    {
        var ct = TestContext.Current;
        using var elsewhere = new TempDir();
        await File.WriteAllTextAsync(elsewhere.Combine("secret.txt"), "no\n", ct);
        await using var node = await TestNode.StartAsync(ct);
        var spec = Modules.TasksSpec(
            ["args", "x"],
            taskExtra: $"    InputSources:\n      - Target: /in/secret\n        Source: {{Type: local, Params: {{SourcePath: \"{elsewhere.Combine("secret.txt")}\"}}}}\n");

        var job = await node.RunAsync(spec, ct);

        Assert.Equal(JobState.Failed, job.Job.State);
        Assert.Contains(job.Executions, e => e.StateMessage is { } m && m.Contains("allow", StringComparison.OrdinalIgnoreCase));
    }

    [Theory(Timeout = 120_000)]
    [InlineData("ops")]
    [InlineData("daemon")]
    [InlineData("service")]
    public async Task NoopJob_OfEachLongRunningType_IsPlacedOnTheNode(string type)
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        var spec = $"Name: {type}-job\nType: {type}\nTasks:\n  - Name: main\n    Engine: {{Type: noop}}\n";
        var submitted = await node.Client.SubmitJobAsync(spec, null, ct);

        // ops: one completion per node, then done. daemon/service: a noop finishes at once, so the
        // scheduler keeps replacing it; the job is running until stopped.
        var job = await node.WaitAsync(
            submitted.JobID,
            j => type == "ops" ? JobStateMachine.IsTerminal(j.Job.State) : j.Executions.Any(e => e.State == ExecutionState.Completed),
            ct);
        Assert.Contains(job.Executions, e => e.State == ExecutionState.Completed);
        if (type == "ops")
        {
            Assert.Equal(JobState.Completed, job.Job.State);
        }
        else
        {
            await node.Client.StopJobAsync(submitted.JobID, "test over", ct);
            job = await node.WaitAsync(submitted.JobID, j => JobStateMachine.IsTerminal(j.Job.State), ct);
            Assert.Equal(JobState.Stopped, job.Job.State);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task UnknownEngine_IsRejectedWithThePathAndTheEnginesThisNodeHas()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        var spec = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "Cairn.Orchestrator.Tests", "Specs", "invalid-engine.yaml"), ct);

        var e = await Assert.ThrowsAsync<Cairn.Jobs.Specs.JobSpecException>(() => node.Client.SubmitJobAsync(spec, null, ct));

        var error = Assert.Single(e.Errors);
        Assert.Contains("Engine.Type", error.Path, StringComparison.Ordinal);
        Assert.Contains("wasm", error.Hint ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("noop", error.Hint ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task SecondNode_OnTheSameHome_IsRefused()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);

        var e = await Assert.ThrowsAsync<CairnException>(() => TestNode.StartAsync(ct, home: node.Home));

        Assert.Equal(ErrorCode.Conflict, e.Code);
        Assert.Contains("Another Cairn node is running", e.Message, StringComparison.Ordinal);
    }

    internal static async Task<string> AddAsync(string home, string path, CancellationToken cancellationToken)
    {
        using var repo = ContentRepo.Open(home);
        await repo.BeginWriteAsync(cancellationToken);
        var importer = new UnixFsImporter(repo.Blocks, new ImportOptions());
        var root = await importer.ImportPathAsync(path, recursive: true, null, null, cancellationToken);
        await repo.Pins.AddAsync(root.Cid, PinMode.Recursive, null, cancellationToken);
        return root.Cid.ToString();
    }
}
