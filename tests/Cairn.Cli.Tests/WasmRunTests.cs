using System.Text.Json;
using Cairn.Tests.Shared;

namespace Cairn.Cli.Tests;

public class WasmRunTests
{
    private static readonly string Hello = Path.Combine(RepoPaths.Root, "tests", "Cairn.Wasm.Tests", "Modules", "c", "hello.wasm");

    [Fact(Timeout = 180_000)]
    public async Task WasmRun_ByCidOfAddedModule_PrintsWhatTheFileRunPrints()
    {
        using var dir = new TempDir();
        var home = dir.Combine("home");
        var add = await CliRunner.RunAsync(["add", "-Q", Hello], TestContext.Current, home: home);
        Assert.Equal(0, add.ExitCode);
        var cid = add.Stdout.Trim();

        var byFile = await CliRunner.RunAsync(["wasm", "run", Hello, "--", "a", "b"], TestContext.Current, home: home);
        var byCid = await CliRunner.RunAsync(["wasm", "run", cid, "--", "a", "b"], TestContext.Current, home: home);
        Assert.Equal(0, byFile.ExitCode);
        Assert.Equal(byFile.ExitCode, byCid.ExitCode);
        Assert.Contains("argv[1]=a", byCid.Stdout, StringComparison.Ordinal);
        Assert.Equal(byFile.Stdout, byCid.Stdout);
    }

    [Fact(Timeout = 180_000)]
    public async Task WasmRun_CidNotInTheStore_SaysSoWithAHint()
    {
        using var dir = new TempDir();
        var missing = Cairn.Multiformats.Cid.Compute(1, Cairn.Multiformats.Multicodec.Raw, "not a module"u8).ToString();
        var result = await CliRunner.RunAsync(["wasm", "run", missing], TestContext.Current, home: dir.Combine("home"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(missing, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Hint:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task WasmRun_OutputJson_ReportsRunOnStderrAndCompilesOnlyWhatRan()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunAsync(["wasm", "run", "--output", "json", Hello, "--", "x"], TestContext.Current, home: dir.Combine("home"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("argv[1]=x", result.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.Stderr.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        Assert.Equal(0, root.GetProperty("exitCode").GetInt32());
        Assert.True(root.GetProperty("fuelUsed").GetInt64() > 0);
        Assert.True(root.GetProperty("instantiateMs").GetDouble() <= root.GetProperty("wallTimeMs").GetDouble());
        var compiled = root.GetProperty("compiledFunctions").GetInt32();
        var functions = root.GetProperty("functions").GetInt32();
        Assert.InRange(compiled, 1, functions - 1); // printf's path through libc, not all of libc
        Assert.Equal(JsonValueKind.Null, root.GetProperty("trap").ValueKind);
    }
}
