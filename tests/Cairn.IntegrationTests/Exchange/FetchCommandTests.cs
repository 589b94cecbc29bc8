using System.Text.Json.Nodes;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Jobs;
using Cairn.Multiformats;

namespace Cairn.IntegrationTests.Exchange;

/// <summary><c>cairn fetch</c> and <c>cairn job describe</c> as a user runs them, against real nodes.</summary>
public class FetchCommandTests
{
    [Fact(Timeout = 180_000)]
    public async Task Fetch_FromARealNode_StoresVerifiedPinsAndReportsThePeer()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("in", "sub"));
        var big = new byte[(3 * 256 * 1024) + 5];
        Random.Shared.NextBytes(big);
        await File.WriteAllBytesAsync(dir.Combine("in", "big.bin"), big, ct);
        await File.WriteAllTextAsync(dir.Combine("in", "sub", "note.txt"), "from A\n", ct);
        var root = await JobLoopTests.AddAsync(a.Home, dir.Combine("in"), ct);
        var home = dir.Combine("b-home");

        var fetch = await CairnProcess.RunAsync(["fetch", root, "--from", a.Node.ApiUrl.ToString(), "--home", home, "--output", "json"], ct);

        Assert.True(fetch.ExitCode == 0, fetch.Stdout + fetch.Stderr);
        var report = JsonNode.Parse(fetch.Stdout)!;
        Assert.True(report["blocks"]!.GetValue<long>() >= 5);
        Assert.Equal(a.Node.ApiUrl.ToString(), report["peers"]![0]!["url"]!.GetValue<string>());
        using (var repo = ContentRepo.Open(home))
        {
            Assert.Equal(PinMode.Recursive, (await repo.Pins.GetAsync(Cid.Parse(root), ct))?.Mode);
            await new UnixFsExporter(repo.Blocks).ExportAsync(Cid.Parse(root), dir.Combine("out"), ct);
        }

        Assert.Equal(big, await File.ReadAllBytesAsync(dir.Combine("out", "big.bin"), ct));
        Assert.Equal("from A\n", await File.ReadAllTextAsync(dir.Combine("out", "sub", "note.txt"), ct));

        var again = await CairnProcess.RunAsync(["fetch", root, "--from", a.Node.ApiUrl.ToString(), "--home", home], ct);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("already complete here", again.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task Fetch_CidNoPeerHas_FailsNamingItAndThePeer()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        using var dir = new TempDir();
        var unknown = Cid.Compute(1, Multicodec.Raw, "nobody has this"u8).ToString();

        var fetch = await CairnProcess.RunAsync(["fetch", unknown, "--from", a.Node.ApiUrl.ToString(), "--home", dir.Combine("home")], ct);

        Assert.Equal(1, fetch.ExitCode);
        Assert.Contains("Error: Could not fetch block " + unknown, fetch.Stderr, StringComparison.Ordinal);
        Assert.Contains(a.Node.ApiUrl + ": block " + unknown + " answered 404", fetch.Stderr, StringComparison.Ordinal);
        Assert.Contains("Hint:", fetch.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task JobDescribe_InputFetchedFromAPeer_ShowsThePeerAndBytesMoved()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        await using var b = await TestNode.StartAsync(ct, o => o with { Peers = [a.Node.ApiUrl] });
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("in"));
        await File.WriteAllTextAsync(dir.Combine("in", "words.txt"), "one two three\n", ct);
        var root = await JobLoopTests.AddAsync(a.Home, dir.Combine("in"), ct);
        var job = await b.RunAsync(
            Modules.TasksSpec(
                ["upper", "/inputs", "/outputs/up"],
                taskExtra: $"    InputSources:\n      - Target: /inputs\n        Source: {{Type: ipfs, Params: {{CID: {root}}}}}\n    ResultPaths:\n      - {{Name: outputs, Path: /outputs}}\n"),
            ct);
        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);

        var describe = await CairnProcess.RunAsync(["job", "describe", job.Job.ID], ct, api: b.Node.ApiUrl.ToString());

        Assert.True(describe.ExitCode == 0, describe.Stderr);
        Assert.Matches($@"input\s+/inputs {root}  from peer {System.Text.RegularExpressions.Regex.Escape(a.Node.ApiUrl.ToString())}  [0-9,]+ bytes in 2 blocks", describe.Stdout);
        Assert.Matches(@"input\s+main.wasm bafk\S+  from inline", describe.Stdout);
    }
}
