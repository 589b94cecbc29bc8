using Cairn.Multiformats;

namespace Cairn.Cli.Tests;

public class DemoTests
{
    [Fact(Timeout = 180_000)]
    public async Task Demo_OnAFreshMachine_RunsTheWholeContentLoopAndRestoresAnIdenticalFolder()
    {
        using var home = new TempDir();
        var result = await CliRunner.RunAsync(["demo"], TestContext.Current, home: home.Path);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("✓ the restored folder is byte-for-byte identical to the original", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"added bafybei[a-z2-7]{52} sample\n", result.Stdout);
        Assert.Matches(@"removed \d+ blocks", result.Stdout);

        // The Wasm step counts the restored files: the CSV the demo wrote has a header and 1,000 rows.
        Assert.Matches(@"\s1001\s+1001\s+\d+ /data/data/numbers\.csv\n", result.Stdout);
        Assert.Matches("\"fuelUsed\":[1-9][0-9]*", result.Stderr);

        // The demo works on its own throw-away homes: the user's home is left alone.
        Assert.Empty(Directory.EnumerateFileSystemEntries(home.Path));
    }

    [Fact(Timeout = 180_000)]
    public async Task Ls_OutputYaml_PrintsTheListingAsYaml()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("d"));
        await File.WriteAllTextAsync(dir.Combine("d", "a.txt"), "hello\n", TestContext.Current);
        var add = await CliRunner.RunAsync(["add", "-r", "-Q", dir.Combine("d")], TestContext.Current, home: dir.Combine("home"));
        Assert.Equal(0, add.ExitCode);
        var root = add.Stdout.Trim();
        var ls = await CliRunner.RunAsync(["ls", root, "--output", "yaml"], TestContext.Current, home: dir.Combine("home"));
        Assert.Equal(0, ls.ExitCode);
        var file = Cid.Compute(1, Multicodec.Raw, "hello\n"u8);
        Assert.Equal(
            $"cid: {root}\nentries:\n- name: a.txt\n  cid: {file}\n  size: 6\n  type: file\n",
            ls.Stdout.ReplaceLineEndings("\n"));
    }
}
