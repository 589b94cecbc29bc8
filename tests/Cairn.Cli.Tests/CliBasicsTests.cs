namespace Cairn.Cli.Tests;

public class CliBasicsTests
{
    [Fact(Timeout = 120_000)]
    public async Task Version_PrintsSemanticVersion()
    {
        var result = await CliRunner.RunAsync(["--version"], TestContext.Current);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Stdout.Trim());
    }

    [Fact(Timeout = 120_000)]
    public async Task Help_ListsTheContentCommandsAndTheDemo()
    {
        var result = await CliRunner.RunAsync(["--help"], TestContext.Current);
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "add", "cat", "get", "ls", "pin", "gc", "car", "cid", "demo" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", result.Stdout);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task CidConvert_V0ToV1_PrintsTheV1Form()
    {
        // The empty UnixFS directory: kubo names it by this CIDv0; its CIDv1 must carry the same multihash.
        var result = await CliRunner.RunAsync(["cid", "convert", "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"], TestContext.Current);
        Assert.Equal(0, result.ExitCode);
        var v1 = result.Stdout.Trim();
        Assert.StartsWith("bafybei", v1, StringComparison.Ordinal);
        var back = await CliRunner.RunAsync(["cid", "convert", "--cid-version", "0", v1], TestContext.Current);
        Assert.Equal("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", back.Stdout.Trim());
    }

    [Fact(Timeout = 120_000)]
    public async Task CidFormat_Garbage_ExitsWithUsageCodeErrorAndHint()
    {
        var result = await CliRunner.RunAsync(["cid", "format", "not-a-cid"], TestContext.Current);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Error: Invalid CID 'not-a-cid'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Hint: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task CidConvert_RawCidToV0_ExplainsWhyNot()
    {
        var raw = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
        var result = await CliRunner.RunAsync(["cid", "convert", "--cid-version", "0", raw], TestContext.Current);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("CIDv0 names only dag-pb", result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task UnknownCommand_ExitsWithUsageCode()
    {
        var result = await CliRunner.RunAsync(["frobnicate"], TestContext.Current);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task CidConvert_ToBase58Btc_ParsesBackToTheSameCid()
    {
        var v1 = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354";
        var z = await CliRunner.RunAsync(["cid", "convert", "--base", "base58btc", v1], TestContext.Current);
        Assert.Equal(0, z.ExitCode);
        Assert.StartsWith("z", z.Stdout, StringComparison.Ordinal);
        var back = await CliRunner.RunAsync(["cid", "convert", z.Stdout.Trim()], TestContext.Current);
        Assert.Equal(v1, back.Stdout.Trim());

        var bad = await CliRunner.RunAsync(["cid", "convert", "--base", "base64", v1], TestContext.Current);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Hint: Use base32, base32upper, base58btc or base16.", bad.Stderr, StringComparison.Ordinal);
    }
}
