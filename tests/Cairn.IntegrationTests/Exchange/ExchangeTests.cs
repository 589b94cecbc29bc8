using System.Security.Cryptography;
using Cairn.Content.Exchange;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Jobs;
using Cairn.Multiformats;

namespace Cairn.IntegrationTests.Exchange;

/// <summary>Blocks moving between two real nodes (Kestrel on 127.0.0.1:0) over the trustless gateway.</summary>
public class ExchangeTests
{
    [Fact(Timeout = 120_000)]
    public async Task Fetch_ContentAddedOnA_IsByteIdenticalOnB()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        await using var b = await TestNode.StartAsync(ct);
        using var data = new TempDir();
        var files = WriteFiles(data.Combine("in"));
        var root = Cid.Parse(await JobLoopTests.AddAsync(a.Home, data.Combine("in"), ct));
        using var http = new HttpClient();

        FetchResult result;
        using (var repo = ContentRepo.Open(b.Home))
        {
            await repo.BeginWriteAsync(ct);
            Assert.NotNull(await GatewayFetcher.FindMissingAsync(root, repo.Blocks, ct));
            result = await new GatewayFetcher(http, new StaticPeerSource([a.Node.ApiUrl])).FetchDagAsync(root, repo.Blocks, null, ct);
            await new UnixFsExporter(repo.Blocks).ExportAsync(root, data.Combine("out"), ct);
        }

        foreach (var (name, bytes) in files)
        {
            Assert.Equal(bytes, await File.ReadAllBytesAsync(data.Combine("out", name), ct));
        }

        Assert.True(result.BlocksFetched > 4);
        var peer = Assert.Single(result.Peers);
        Assert.Null(peer.Failure);
        Assert.Equal(result.BlocksFetched, peer.Blocks);
    }

    [Fact(Timeout = 120_000)]
    public async Task Job_OnBWithInputOnlyOnA_RunsOnBAfterFetching()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        await using var b = await TestNode.StartAsync(ct, o => o with { Peers = [a.Node.ApiUrl] });
        using var data = new TempDir();
        var files = WriteFiles(data.Combine("in"));
        var root = await JobLoopTests.AddAsync(a.Home, data.Combine("in"), ct);

        var job = await b.RunAsync(UpperSpec(root), ct);

        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        var execution = Assert.Single(job.Executions);
        var input = Assert.Single(execution.Inputs!, i => i.Target == "/inputs");
        Assert.Equal("peer", input.Source);
        Assert.Equal([a.Node.ApiUrl.ToString()], input.From);
        Assert.True(input.BytesMoved > files.Values.Sum(f => f.Length));
        await AssertUpperAsync(b, job.Job.ID, files, ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Job_InputOnlyOnAAndNoPeers_FailsNamingTheMissingBlock()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        await using var b = await TestNode.StartAsync(ct);
        using var data = new TempDir();
        WriteFiles(data.Combine("in"));
        var root = await JobLoopTests.AddAsync(a.Home, data.Combine("in"), ct);

        var job = await b.RunAsync(UpperSpec(root), ct);

        Assert.Equal(JobState.Failed, job.Job.State);
        Assert.Contains(root, string.Join(" ", job.Executions.Select(e => e.StateMessage)), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Job_LyingPeerFirst_IsDetectedAndInputComesFromTheHonestNode()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        await using var liar = new LyingPeer(a.Node.ApiUrl);
        await using var b = await TestNode.StartAsync(ct, o => o with { Peers = [liar.Url, a.Node.ApiUrl] });
        using var data = new TempDir();
        var files = WriteFiles(data.Combine("in"));
        var root = await JobLoopTests.AddAsync(a.Home, data.Combine("in"), ct);

        var job = await b.RunAsync(UpperSpec(root), ct);

        Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
        Assert.True(liar.Requests >= 1);
        var input = Assert.Single(job.Executions.Single().Inputs!, i => i.Target == "/inputs");
        Assert.Contains(a.Node.ApiUrl.ToString(), input.From);
        await AssertUpperAsync(b, job.Job.ID, files, ct);

        // Everything B now holds verifies (a wrong block would throw here).
        using var repo = ContentRepo.Open(b.Home);
        await new UnixFsExporter(repo.Blocks).ExportAsync(Cid.Parse(root), data.Combine("check"), ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Fetch_BlockDamagedOnTheServingNodesDisk_IsCaughtByTheFetcherAndTakenFromAnotherNode()
    {
        // The gateway serves blocks without hashing them (its clients verify): a block damaged on A's disk
        // goes out as it is, B refuses it and drops A for this fetch, and C supplies the block.
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        await using var c = await TestNode.StartAsync(ct);
        using var data = new TempDir();
        var files = WriteFiles(data.Combine("in"));
        var root = Cid.Parse(await JobLoopTests.AddAsync(a.Home, data.Combine("in"), ct));
        Assert.Equal(root.ToString(), await JobLoopTests.AddAsync(c.Home, data.Combine("in"), ct));
        var damaged = Directory.EnumerateFiles(Path.Combine(a.Home, "blocks"), "*.data", SearchOption.AllDirectories).First(f => new FileInfo(f).Length == 256 * 1024);
        var bytes = await File.ReadAllBytesAsync(damaged, ct);
        bytes[1000] ^= 0x40;
        await File.WriteAllBytesAsync(damaged, bytes, ct);

        using var http = new HttpClient();
        using var repo = ContentRepo.Open(data.Combine("b"));
        await repo.BeginWriteAsync(ct);
        var result = await new GatewayFetcher(http, new StaticPeerSource([a.Node.ApiUrl, c.Node.ApiUrl])).FetchDagAsync(root, repo.Blocks, null, ct);

        var fromA = Assert.Single(result.Peers, p => p.Peer == a.Node.ApiUrl);
        Assert.Contains("does not hash to its CID", fromA.Failure, StringComparison.Ordinal);
        Assert.True(Assert.Single(result.Peers, p => p.Peer == c.Node.ApiUrl).Blocks > 0);
        await new UnixFsExporter(repo.Blocks).ExportAsync(root, data.Combine("out"), ct);
        foreach (var (name, content) in files)
        {
            Assert.Equal(content, await File.ReadAllBytesAsync(data.Combine("out", name), ct));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Fetch_UnknownCidOnEveryPeer_NotFoundNamingEachPeer()
    {
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        await using var c = await TestNode.StartAsync(ct);
        var unknown = Cid.Compute(1, Multicodec.Raw, RandomNumberGenerator.GetBytes(32));
        using var http = new HttpClient();
        using var dir = new TempDir();
        using var repo = ContentRepo.Open(dir.Combine("home"));

        var e = await Assert.ThrowsAsync<CairnException>(() =>
            new GatewayFetcher(http, new StaticPeerSource([a.Node.ApiUrl, c.Node.ApiUrl])).FetchDagAsync(unknown, repo.Blocks, null, ct));

        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains(unknown.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains(a.Node.ApiUrl + ": block " + unknown + " answered 404", e.Message, StringComparison.Ordinal);
        Assert.Contains(c.Node.ApiUrl + ": block " + unknown + " answered 404", e.Message, StringComparison.Ordinal);
    }

    private static string UpperSpec(string root) => Modules.TasksSpec(
        ["upper", "/inputs", "/outputs/up"],
        taskExtra: $"    InputSources:\n      - Target: /inputs\n        Source: {{Type: ipfs, Params: {{CID: {root}}}}}\n    ResultPaths:\n      - {{Name: outputs, Path: /outputs}}\n");

    /// <summary>Two files: one of several chunks (a dag-pb root over raw leaves) and a small text file in a subfolder.</summary>
    private static Dictionary<string, byte[]> WriteFiles(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        // Letters only, so "upper" changes them and the comparison below means something.
        var big = new byte[(2 * 256 * 1024) + 777];
        for (var i = 0; i < big.Length; i++)
        {
            big[i] = (byte)('a' + RandomNumberGenerator.GetInt32(26));
        }

        var files = new Dictionary<string, byte[]>
        {
            ["big.txt"] = big,
            ["sub/b.txt"] = "compute over data\nfetched from a peer\n"u8.ToArray(),
        };
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
        }

        return files;
    }

    private static async Task AssertUpperAsync(TestNode node, string jobId, Dictionary<string, byte[]> files, CancellationToken ct)
    {
        var result = Assert.Single((await node.Client.GetJobResultsAsync(jobId, ct)).Items);
        using var other = new TempDir();
        using (var repo = ContentRepo.Open(other.Combine("home")))
        {
            await node.Client.ImportCarAsync(result.Outputs["outputs"], repo, pin: true, ct);
            await new UnixFsExporter(repo.Blocks).ExportAsync(Cid.Parse(result.Outputs["outputs"]), other.Combine("out"), ct);
        }

        foreach (var (name, bytes) in files)
        {
            Assert.Equal(System.Text.Encoding.ASCII.GetString(bytes).ToUpperInvariant(), await File.ReadAllTextAsync(other.Combine("out", "up", name), ct));
        }
    }
}
