using System.Text.RegularExpressions;
using Cairn.Multiformats;

namespace Cairn.Cli.Tests;

public class DemoTests
{
    [Fact(Timeout = 180_000)]
    public async Task Demo_OnAFreshMachine_RunsTheWholeLoopAndSettlesOnAVerifiedLedger()
    {
        using var home = new TempDir();
        var result = await CliRunner.RunAsync(["demo"], TestContext.Current, home: home.Path);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Matches(@"added bafybei[a-z2-7]{52} dataset\n", result.Stdout);
        Assert.Matches(@"Job j-[0-9a-f-]{36} Completed", result.Stdout);
        Assert.Matches(@"receipt\s+bafyrei[a-z2-7]{52}", result.Stdout);

        // The word count's total, worked out here from the same files the CLI embeds.
        var dataset = Path.Combine(RepoPaths.Root, "src", "Cairn.Cli", "Demo", "dataset");
        long lines = 0, words = 0, bytes = 0;
        foreach (var file in Directory.GetFiles(dataset, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllBytes(file);
            bytes += text.Length;
            lines += text.Count(b => b == (byte)'\n');
            words += System.Text.Encoding.ASCII.GetString(text).Split([' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries).Length;
        }

        var total = $"{lines,8} {words,8} {bytes,8} total";
        Assert.Contains(total, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("✓ nothing created or lost", result.Stdout, StringComparison.Ordinal);

        // The client paid ⌊fuel × price / 10⁶⌋ (the demo's price: 5000 per million fuel): the provider
        // got it less the protocol fee (100 bps, rounded down), the treasury the fee.
        var fuel = long.Parse(Regex.Match(result.Stdout, @"usage\s+([\d,]+) fuel").Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        var cost = fuel * 5000 / 1_000_000;
        var fee = cost * 100 / 10_000;
        // The whole output on failure: which line differs says which step raced.
        Assert.True(Regex.IsMatch(result.Stdout, $@"client\s+[\d,]+\s+\(-{cost:#,0}\)"), result.Stdout);
        Assert.True(Regex.IsMatch(result.Stdout, $@"provider\s+[\d,]+\s+\(\+{cost - fee:#,0}\)"), result.Stdout);
        Assert.Matches(@"\n\s+ok\n", result.Stdout);

        // The demo works on its own throw-away home: the user's home is left alone.
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
