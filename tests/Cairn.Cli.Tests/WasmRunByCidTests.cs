using Cairn.Tests.Shared;

namespace Cairn.Cli.Tests;

public class WasmRunByCidTests
{
    [Fact(Timeout = 180_000)]
    public async Task WasmRun_ByCidOfAddedModule_PrintsWhatTheFileRunPrints()
    {
        using var dir = new TempDir();
        var home = dir.Combine("home");
        var module = Path.Combine(RepoPaths.Root, "tests", "Cairn.Wasm.Tests", "Modules", "c", "hello.wasm");
        var add = await CliRunner.RunAsync(["add", "-Q", module], TestContext.Current, home: home);
        Assert.Equal(0, add.ExitCode);
        var cid = add.Stdout.Trim();

        var byFile = await CliRunner.RunAsync(["wasm", "run", module, "--", "a", "b"], TestContext.Current, home: home);
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
}
