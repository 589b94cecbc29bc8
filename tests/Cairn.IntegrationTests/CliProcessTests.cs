namespace Cairn.IntegrationTests;

/// <summary>The job commands as a user runs them: real <c>cairn</c> processes against a real node's API.</summary>
public class CliProcessTests
{
    [Fact(Timeout = 180_000)]
    public async Task JobRunWait_DescribeAndGet_ShowTheResultTrailAndFiles()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("in"));
        await File.WriteAllTextAsync(dir.Combine("in", "words.txt"), "one two three\n", ct);
        var root = await JobLoopTests.AddAsync(node.Home, dir.Combine("in"), ct);
        var specPath = dir.Combine("job.yaml");
        await File.WriteAllTextAsync(
            specPath,
            Modules.TasksSpec(
                ["upper", "/inputs", "/outputs/up"],
                taskExtra: $"    InputSources:\n      - Target: /inputs\n        Source: {{Type: ipfs, Params: {{CID: {root}}}}}\n    ResultPaths:\n      - {{Name: outputs, Path: /outputs}}\n"),
            ct);
        var api = node.Node.ApiUrl.ToString();

        var run = await CairnProcess.RunAsync(["job", "run", specPath, "--wait", "--api", api], ct);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var jobId = System.Text.RegularExpressions.Regex.Match(run.Stdout, @"Job (j-[0-9a-f-]{36}) Completed").Groups[1].Value;
        Assert.NotEmpty(jobId);
        Assert.Contains("/outputs/up/words.txt 14", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"execution e-\S+\s+Completed", run.Stderr);

        var describe = await CairnProcess.RunAsync(["job", "describe", jobId], ct, api: api);
        Assert.True(describe.ExitCode == 0, describe.Stderr);
        Assert.Matches(@"deal\s+e-", describe.Stdout);
        Assert.Matches(@"receipt\s+bafyrei", describe.Stdout);
        Assert.Matches(@"output\s+outputs bafy", describe.Stdout);

        var get = await CairnProcess.RunAsync(["job", "get", jobId, "-o", dir.Combine("results"), "--api", api, "--home", dir.Combine("client-home")], ct);
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal("ONE TWO THREE\n", await File.ReadAllTextAsync(dir.Combine("results", "outputs", "up", "words.txt"), ct));
    }

    [Theory(Timeout = 180_000)]
    [InlineData("exit", 20)]
    [InlineData("timeout", 22)]
    public async Task JobRunWait_FailedJob_ExitsWithTheJobOutcomeCode(string how, int exitCode)
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct, o => o with { Scheduler = TestNode.FastScheduler with { MaxAttempts = 1 } });
        using var dir = new TempDir();
        var spec = how == "exit"
            ? Modules.TasksSpec(["exit", "5"])
            : Modules.TasksSpec(["loop"], taskExtra: "    Timeouts: {ExecutionTimeout: 1}\n", jobExtra: "Payment: {Budget: 1000000000}\n");
        await File.WriteAllTextAsync(dir.Combine("job.yaml"), spec, ct);

        var run = await CairnProcess.RunAsync(["job", "run", dir.Combine("job.yaml"), "--wait"], ct, api: node.Node.ApiUrl.ToString());

        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}: {run.Stdout}{run.Stderr}");
        Assert.Contains("Failed", run.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task JobRunFollow_StreamsTheOutputBeforeTheOutcome_AndLogsReplaysIt()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.Combine("job.yaml"), Modules.TasksSpec(["sleepy", "200"], jobExtra: "Payment: {Budget: 1000000000}\n"), ct);
        var api = node.Node.ApiUrl.ToString();

        var run = await CairnProcess.RunAsync(["job", "run", dir.Combine("job.yaml"), "--follow", "--api", api], ct);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);

        // The streamed line comes first; the outcome's "--- stdout" section repeats it afterwards.
        var streamed = run.Stdout.IndexOf("done\n", StringComparison.Ordinal);
        var section = run.Stdout.IndexOf("--- stdout", StringComparison.Ordinal);
        Assert.True(streamed >= 0 && section > streamed, run.Stdout);

        var jobId = System.Text.RegularExpressions.Regex.Match(run.Stdout + run.Stderr, @"Job (j-[0-9a-f-]{36}) submitted").Groups[1].Value;
        var logs = await CairnProcess.RunAsync(["job", "logs", jobId, "--follow"], ct, api: api);
        Assert.True(logs.ExitCode == 0, logs.Stderr);
        Assert.Contains("done\n", logs.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task WasmSubmit_ModuleFileAndArgs_RunsAndPrintsTheModuleOutput()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        var module = Path.Combine(AppContext.BaseDirectory, "Modules", "tasks.wasm");

        var run = await CairnProcess.RunAsync(["wasm", "submit", module, "--wait", "--api", node.Node.ApiUrl.ToString(), "--", "args", "hello", "wasm"], ct);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("hello\nwasm\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task JobList_NoNodeListening_FailsWithAServiceError()
    {
        var ct = TestContext.Current;

        var run = await CairnProcess.RunAsync(["job", "list", "--api", "http://127.0.0.1:9"], ct);

        Assert.Equal(10, run.ExitCode);
        Assert.Contains("Error:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("cairn serve", run.Stderr, StringComparison.Ordinal);
    }
}
