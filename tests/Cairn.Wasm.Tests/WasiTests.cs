using System.Text;
using Cairn.Tests.Shared;
using Cairn.Wasm.Runtime;
using Cairn.Wasm.Wasi;

namespace Cairn.Wasm.Tests;

/// <summary>
/// C programs built with clang --target=wasm32-wasi run under Cairn, under Node's WASI (the oracle)
/// and natively (gcc -O2); stdout and exit codes must agree.
/// </summary>
public sealed class WasiTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("cairn-wasi-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static async Task<(int ExitCode, string Stdout, WasiRunResult Result)> RunCairnAsync(
        string program, IReadOnlyList<string> args, string? dir, byte[]? stdin, IReadOnlyList<string>? env, CancellationToken ct)
    {
        var stdout = new MemoryStream();
        var config = new WasiConfig
        {
            Args = [program + ".wasm", .. args],
            Env = env ?? [],
            Preopens = dir is null ? [] : [new WasiPreopen(dir, ".")],
            Stdin = stdin is null ? null : new MemoryStream(stdin),
            Stdout = stdout,
            Stderr = new MemoryStream(),
        };
        var compiled = WasmEngine.Shared.Compile(File.ReadAllBytes(TestModules.C(program)));
        var result = await WasiRunner.RunAsync(compiled, config, null, ct);
        return (result.ExitCode, ProcessRunner.Utf8(stdout), result);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(
        string program, IReadOnlyList<string> args, string? dir, byte[]? stdin, IReadOnlyList<string>? env, CancellationToken ct)
    {
        var nodeArgs = new List<string> { "--no-turbo-fast-api-calls", Path.Combine(RepoPaths.Interop, "wasm-wasi.mjs") };
        if (dir is not null)
        {
            nodeArgs.AddRange(["--dir", dir + ":."]);
        }

        foreach (var e in env ?? [])
        {
            nodeArgs.AddRange(["--env", e]);
        }

        nodeArgs.Add(TestModules.C(program));
        nodeArgs.AddRange(args);
        return ProcessRunner.RunAsync("node", nodeArgs, null, stdin, ct);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunNativeAsync(
        string program, IReadOnlyList<string> args, string? dir, byte[]? stdin, IReadOnlyList<string>? env, CancellationToken ct)
    {
        var exe = await ProcessRunner.BuildNativeAsync(TestModules.CSource(program), _tmp, ct);
        var envArgs = new List<string> { "-i" };
        envArgs.AddRange(env ?? []);
        envArgs.Add(exe);
        envArgs.AddRange(args);
        return await ProcessRunner.RunAsync("env", envArgs, dir, stdin, ct);
    }

    private string NewDir(string name) => Directory.CreateDirectory(Path.Combine(_tmp, name)).FullName;

    [Theory(Timeout = 120_000)]
    [InlineData("")]
    [InlineData("7|two words|ünïcødé")]
    public async Task Hello_ArgsEnvExitCode_MatchNodeAndNative(string joined)
    {
        var args = joined.Length == 0 ? [] : joined.Split('|');
        var ct = TestTimeout.Token();
        string[] env = ["GREETING=hello there"];
        var cairn = await RunCairnAsync("hello", args, null, null, env, ct);
        var node = await RunNodeAsync("hello", args, null, null, env, ct);
        var native = await RunNativeAsync("hello", args, null, null, env, ct);
        Assert.Equal(node.Stdout, cairn.Stdout);
        Assert.Equal(native.Stdout, cairn.Stdout);
        Assert.Equal(node.ExitCode, cairn.ExitCode);
        Assert.Equal(native.ExitCode, cairn.ExitCode);
        Assert.Contains("GREETING=hello there", cairn.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Files_InPreopen_MatchNodeAndNative()
    {
        var ct = TestTimeout.Token();
        var cairn = await RunCairnAsync("files", [], NewDir("cairn"), null, null, ct);
        var node = await RunNodeAsync("files", [], NewDir("node"), null, null, ct);
        var native = await RunNativeAsync("files", [], NewDir("native"), null, null, ct);
        Assert.Equal(0, cairn.ExitCode);
        Assert.Equal(node.Stdout, cairn.Stdout);
        Assert.Equal(native.Stdout, cairn.Stdout);
        Assert.EndsWith("done\n", cairn.Stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_tmp, "cairn")));
    }

    [Fact(Timeout = 120_000)]
    public async Task Stdin_Counted_MatchesNodeAndNative()
    {
        var ct = TestTimeout.Token();
        var input = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 5000).Select(i => $"line {i} with some words {i * 7919 % 1000}")));
        var cairn = await RunCairnAsync("wc", [], null, input, null, ct);
        var node = await RunNodeAsync("wc", [], null, input, null, ct);
        var native = await RunNativeAsync("wc", [], null, input, null, ct);
        Assert.Equal(node.Stdout, cairn.Stdout);
        Assert.Equal(native.Stdout, cairn.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Trap_DivideByZero_ExitsNonZeroLikeNodeAndNative()
    {
        var ct = TestTimeout.Token();
        var cairn = await RunCairnAsync("trap", ["0"], null, null, null, ct);
        var node = await RunNodeAsync("trap", ["0"], null, null, null, ct);
        var native = await RunNativeAsync("trap", ["0"], null, null, null, ct);
        Assert.Equal(TrapKind.IntegerDivideByZero, cairn.Result.Trap?.Kind);
        Assert.Equal("main", cairn.Result.Trap?.Function);
        Assert.NotEqual(0, cairn.ExitCode);
        Assert.NotEqual(0, node.ExitCode);
        Assert.NotEqual(0, native.ExitCode);
        Assert.Equal(node.Stdout, cairn.Stdout);
        Assert.Equal("before\n", cairn.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Fuel_SameProgramSameInput_IsIdenticalAcrossRuns()
    {
        var ct = TestTimeout.Token();
        var a = await RunCairnAsync("hello", ["1"], null, null, null, ct);
        var b = await RunCairnAsync("hello", ["1"], null, null, null, ct);
        Assert.Equal(a.Result.FuelUsed, b.Result.FuelUsed);
        Assert.True(a.Result.FuelUsed > 100_000);
        Assert.True(a.Result.PeakMemoryBytes >= 65536);
    }

    private static async Task<string> RunDeterminismAsync(WasiConfig config, CancellationToken ct)
    {
        var stdout = new MemoryStream();
        var compiled = WasmEngine.Shared.Compile(File.ReadAllBytes(TestModules.C("determinism")));
        var result = await WasiRunner.RunAsync(compiled, config with { Stdout = stdout }, null, ct);
        Assert.Equal(0, result.ExitCode);
        return ProcessRunner.Utf8(stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task ClocksAndRandom_DeterministicMode_SameOutputEveryRun()
    {
        var ct = TestTimeout.Token();
        var a = await RunDeterminismAsync(new WasiConfig(), ct);
        var b = await RunDeterminismAsync(new WasiConfig(), ct);
        Assert.Equal(a, b);
        Assert.Contains("realtime=1700000000.", a, StringComparison.Ordinal);
        var reseeded = await RunDeterminismAsync(new WasiConfig { RandomSeed = 7 }, ct);
        Assert.NotEqual(a.Split("random=")[1], reseeded.Split("random=")[1]);
        Assert.Equal(a.Split("random=")[0], reseeded.Split("random=")[0]);
    }

    [Fact(Timeout = 120_000)]
    public async Task ClocksAndRandom_HostAllowed_ReadTheHost()
    {
        var ct = TestTimeout.Token();
        var config = new WasiConfig { AllowHostTime = true, AllowHostRandom = true };
        var a = await RunDeterminismAsync(config, ct);
        var b = await RunDeterminismAsync(config, ct);
        Assert.NotEqual(a.Split("random=")[1], b.Split("random=")[1]);
        var seconds = long.Parse(a.Split("realtime=")[1].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact(Timeout = 120_000)]
    public async Task Escape_AllAttempts_AreDeniedAndNothingOutsideChanges()
    {
        var ct = TestTimeout.Token();
        var outside = NewDir("outside");
        var jail = Directory.CreateDirectory(Path.Combine(outside, "jail")).FullName;
        Directory.CreateDirectory(Path.Combine(jail, "sub"));
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "top secret", ct);
        await File.WriteAllTextAsync(Path.Combine(jail, "inside.txt"), "ok", ct);
        File.CreateSymbolicLink(Path.Combine(jail, "link-out"), outside);
        File.CreateSymbolicLink(Path.Combine(jail, "file-link"), Path.Combine(outside, "secret.txt"));
        var cairn = await RunCairnAsync("escape", [], jail, null, null, ct);
        Assert.Equal(0, cairn.ExitCode);
        var lines = cairn.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(10, lines.Length);
        Assert.All(lines[..^1], l => Assert.EndsWith("denied", l, StringComparison.Ordinal));
        Assert.Equal("inside.txt: OPENED", lines[^1]);
        Assert.Equal("top secret", await File.ReadAllTextAsync(Path.Combine(outside, "secret.txt"), ct));
        Assert.Equal(["jail", "secret.txt"], Directory.EnumerateFileSystemEntries(outside).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(jail, "inside.txt")));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/etc/passwd")]
    [InlineData("a/b/../../../x")]
    public void Resolve_EscapingPaths_AreNotCapable(string path)
    {
        using var ctx = new WasiContext(new WasiConfig { Preopens = [new WasiPreopen(_tmp, ".")] });
        Assert.Equal(WasiContext.ENotCapable, ctx.Resolve(3, path, false, out _));
    }

    [Theory]
    [InlineData("a/../x", "x")]
    [InlineData("./a/./b", "a/b")]
    [InlineData("a//b/", "a/b")]
    public void Resolve_InsidePaths_StayBelowThePreopen(string path, string expected)
    {
        using var ctx = new WasiContext(new WasiConfig { Preopens = [new WasiPreopen(_tmp, ".")] });
        Assert.Equal(WasiContext.Success, ctx.Resolve(3, path, false, out var host));
        Assert.Equal(Path.Combine(_tmp, expected), host);
    }
}
