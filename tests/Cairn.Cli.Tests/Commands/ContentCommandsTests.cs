using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Cairn.Tests.Shared;

namespace Cairn.Cli.Tests.Commands;

/// <summary>
/// cairn add/cat/get/ls as a user runs them (the built cairn.dll in a real process), with the CIDs
/// checked against ipfs-unixfs-importer on the same tree.
/// </summary>
public sealed class ContentCommandsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cairn-cli-content-" + Guid.NewGuid().ToString("N"));

    public ContentCommandsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 300_000)]
    public async Task AddCatGetLs_Tree_MatchJsImporterAndRoundTrip()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        var tree = Path.Combine(_dir, "my data");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        Directory.CreateDirectory(Path.Combine(tree, "empty"));
        File.WriteAllText(Path.Combine(tree, "README"), "hello\n");
        File.WriteAllText(Path.Combine(tree, "sub", "é.txt"), "unicode\n");
        var big = new byte[(2 * 262144) + 3];
        new Random(9).NextBytes(big);
        File.WriteAllBytes(Path.Combine(tree, "sub", "big.bin"), big);
        var home = Path.Combine(_dir, "home");

        var v1 = await RunAsync(["--home", home, "add", "-r", tree], ct);
        Assert.Equal(0, v1.ExitCode);
        var lines = v1.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length); // 3 files, 3 directories (empty, sub, root), root last
        var root = lines[^1].Split(' ')[1];
        Assert.Equal($"added {root} my data", lines[^1]);
        Assert.Contains(lines, l => l.EndsWith(" my data/sub/é.txt", StringComparison.Ordinal));

        var v0 = await RunAsync(["--home", home, "add", "-r", "-Q", "--cid-version", "0", tree], ct);
        Assert.Equal(0, v0.ExitCode);

        var oracle = new JsonObject
        {
            ["cases"] = new JsonArray(
                new JsonObject { ["op"] = "import", ["id"] = "v1", ["kind"] = "dir", ["path"] = tree },
                new JsonObject { ["op"] = "import", ["id"] = "v0", ["kind"] = "dir", ["path"] = tree, ["options"] = new JsonObject { ["cidVersion"] = 0, ["rawLeaves"] = false, ["leafType"] = "file" } }),
        };
        var js = (await NodeOracle.RunAsync("unixfs-oracle.mjs", [], ct, Encoding.UTF8.GetBytes(oracle.ToJsonString())))
            .Split('\n').Select(l => JsonNode.Parse(l)!).ToDictionary(n => n["id"]!.GetValue<string>(), n => n["root"]!.GetValue<string>());
        Assert.Equal(js["v1"], root);
        Assert.Equal(js["v0"], v0.Stdout.Trim());

        var cat = await RunAsync(["--home", home, "cat", $"/ipfs/{root}/sub/big.bin"], ct);
        Assert.Equal(0, cat.ExitCode);
        Assert.Equal(big, cat.StdoutBytes);

        var output = Path.Combine(_dir, "out");
        var get = await RunAsync(["--home", home, "get", root, "-o", output], ct);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(output, "README")));
        Assert.True(Directory.Exists(Path.Combine(output, "empty")));
        Assert.Equal(big, File.ReadAllBytes(Path.Combine(output, "sub", "big.bin")));

        var ls = await RunAsync(["--home", home, "ls", root, "--output", "json"], ct);
        Assert.Equal(0, ls.ExitCode);
        var names = JsonNode.Parse(ls.Stdout)!["entries"]!.AsArray().Select(e => e!["name"]!.GetValue<string>());
        Assert.Equal(["README", "empty", "sub"], names);

        var missing = await RunAsync(["--home", home, "cat", root + "/nope"], ct);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("no entry 'nope'", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task AddOnlyHash_Stdin_PrintsCidAndStoresNothing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var home = Path.Combine(_dir, "home");
        var result = await RunAsync(["--home", home, "add", "-n", "-Q"], cts.Token, Encoding.UTF8.GetBytes("hello"));
        Assert.Equal(0, result.ExitCode);
        var cid = result.Stdout.Trim();
        Assert.StartsWith("bafkrei", cid, StringComparison.Ordinal);
        var cat = await RunAsync(["--home", home, "cat", cid], cts.Token);
        Assert.NotEqual(0, cat.ExitCode);
        Assert.Contains(cid, cat.Stderr, StringComparison.Ordinal);
    }

    private sealed record Run(int ExitCode, string Stdout, byte[] StdoutBytes, string Stderr);

    private static async Task<Run> RunAsync(string[] args, CancellationToken ct, byte[]? stdin = null)
    {
        var result = await CliRunner.RunAsync(args, ct, stdin: stdin);
        return new Run(result.ExitCode, result.Stdout, result.StdoutBytes, result.Stderr);
    }
}
