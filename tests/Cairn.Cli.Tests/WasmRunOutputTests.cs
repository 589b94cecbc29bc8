using System.Text.Json;
using Cairn.Tests.Shared;

namespace Cairn.Cli.Tests;

public class WasmRunOutputTests
{
    [Fact(Timeout = 180_000)]
    public async Task WasmRun_OutputJson_ReportsRunOnStderrAndCompilesOnlyWhatRan()
    {
        using var dir = new TempDir();
        var module = Path.Combine(RepoPaths.Root, "tests", "Cairn.Wasm.Tests", "Modules", "c", "hello.wasm");
        var result = await CliRunner.RunAsync(["wasm", "run", "--output", "json", module, "--", "x"], TestContext.Current, home: dir.Combine("home"));
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
