using System.Net;
using Cairn.Compute.Receipts;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Multiformats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.Compute.Tests;

/// <summary>Every input source type, prepared into the store and mounted read-only for the transform module.</summary>
public sealed class ComputeNodeInputTests
{
    [Fact(Timeout = 60_000)]
    public async Task Inline_FileInput_IsImportedAndAppearsAsAFileAtItsTarget()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var url = "data:text/plain;base64," + Convert.ToBase64String("inline words\n"u8);
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("inline", "/inputs/note.txt", ("URL", url))), ct);
        Assert.Equal(ExecutionState.Completed, end.State);
        var output = await h.ExportAsync(end.Result!.Outputs["out"], ct);
        Assert.Equal("INLINE WORDS\n", await File.ReadAllTextAsync(Path.Combine(output, "note.txt"), ct));
        var receipt = await ReceiptAsync(h, end, ct);
        var input = Assert.Single(receipt.Inputs);
        Assert.Equal("/inputs/note.txt", input.Target);
        Assert.Equal(Cid.Compute(1, Multicodec.Raw, "inline words\n"u8), input.Cid);
        Assert.True(await h.Repo.Blocks.HasAsync(input.Cid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Inline_TwoFilesInOneDirectory_BothAppear()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(
            NodeHarness.TransformJob(
                NodeHarness.Source("inline", "/inputs/a.txt", ("URL", "data:,first")),
                NodeHarness.Source("inline", "/inputs/b.txt", ("URL", "data:,second"))),
            ct);
        Assert.Equal(ExecutionState.Completed, end.State);
        var output = await h.ExportAsync(end.Result!.Outputs["out"], ct);
        Assert.Equal("FIRST", await File.ReadAllTextAsync(Path.Combine(output, "a.txt"), ct));
        Assert.Equal("SECOND", await File.ReadAllTextAsync(Path.Combine(output, "b.txt"), ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Inline_MalformedDataUrl_FailsNamingTheInput()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("inline", "/inputs/x", ("URL", "data:;base64,@@@"))), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.Equal("InputSources[0]: the data: URL's base64 payload is malformed.", end.Message);
        Assert.Null(end.Result);
    }

    [Fact(Timeout = 60_000)]
    public async Task Ipfs_MissingBlock_FailsNamingTheBlock()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var data = h.Combine("big");
        // Three chunks: a dag-pb root over raw leaves; the middle leaf is then removed from the store.
        await File.WriteAllBytesAsync(data, Enumerable.Range(0, 600_000).Select(i => (byte)(i * 7)).ToArray(), ct);
        var root = await h.AddAsync(data, ct);
        var leaves = Content.BlockLinks.Get(root, (await h.Repo.Blocks.GetAsync(root, ct))!);
        Assert.Equal(3, leaves.Count);
        Assert.True(await h.Repo.Blocks.DeleteAsync(leaves[1], ct));

        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("ipfs", "/inputs/big.bin", ("CID", root.ToString()))), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.StartsWith($"InputSources[0]: block {leaves[1]} is not on this node (input {root}).", end.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Url_FileInput_IsDownloadedImportedAndMounted()
    {
        var ct = NodeHarness.Token();
        await using var server = await HttpServer.StartAsync(ct);
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("url", "/inputs/page.txt", ("URL", server.Url("/page.txt")))), ct);
        Assert.Equal(ExecutionState.Completed, end.State);
        var output = await h.ExportAsync(end.Result!.Outputs["out"], ct);
        Assert.Equal(HttpServer.Page.ToUpperInvariant(), await File.ReadAllTextAsync(Path.Combine(output, "page.txt"), ct));
        var receipt = await ReceiptAsync(h, end, ct);
        Assert.Equal(Cid.Compute(1, Multicodec.Raw, System.Text.Encoding.UTF8.GetBytes(HttpServer.Page)), Assert.Single(receipt.Inputs).Cid);
    }

    [Fact(Timeout = 60_000)]
    public async Task Url_LargerThanTheCap_FailsWithoutImporting()
    {
        var ct = NodeHarness.Token();
        await using var server = await HttpServer.StartAsync(ct);
        await using var h = new NodeHarness(o => o with { MaxUrlBytes = 1000 });
        foreach (var path in new[] { "/big", "/big-chunked" })
        {
            var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("url", "/inputs/big", ("URL", server.Url(path)))), ct);
            Assert.Equal(ExecutionState.Failed, end.State);
            Assert.Contains("is larger than the 1000 bytes this node downloads for a url input", end.Message, StringComparison.Ordinal);
        }

        await foreach (var _ in h.Repo.Blocks.ListAsync(ct))
        {
            Assert.Fail("nothing should have been imported");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Url_NotFound_FailsWithTheStatus()
    {
        var ct = NodeHarness.Token();
        await using var server = await HttpServer.StartAsync(ct);
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("url", "/inputs/x", ("URL", server.Url("/missing")))), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.Contains("answered 404", end.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Url_NothingListening_FailsNamingTheUrl()
    {
        var ct = NodeHarness.Token();
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var h = new NodeHarness();
        var url = $"http://127.0.0.1:{port}/gone.txt";
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("url", "/inputs/x", ("URL", url))), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.StartsWith($"InputSources[0]: GET {url} failed: ", end.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Local_UnderAnAllowedPath_IsImportedAndMounted()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness(o => o with { AllowedLocalPaths = [o.WorkDirectory + "/../allowed"] });
        var dir = h.Combine("allowed", "set");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "local.txt"), "from the host\n", ct);
        await File.WriteAllTextAsync(Path.Combine(dir, ".hidden"), "hidden too\n", ct);
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("local", "/inputs", ("SourcePath", dir))), ct);
        Assert.Equal(ExecutionState.Completed, end.State);
        var output = await h.ExportAsync(end.Result!.Outputs["out"], ct);
        Assert.Equal("FROM THE HOST\n", await File.ReadAllTextAsync(Path.Combine(output, "local.txt"), ct));
        Assert.Equal("HIDDEN TOO\n", await File.ReadAllTextAsync(Path.Combine(output, ".hidden"), ct));
        // The host directory itself was only read.
        Assert.Equal(["local.txt", ".hidden"], Directory.EnumerateFiles(dir).Select(Path.GetFileName).Order(StringComparer.OrdinalIgnoreCase).Reverse());
    }

    [Fact(Timeout = 60_000)]
    public async Task Local_OutsideTheAllowedPaths_IsRefused()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness(o => o with { AllowedLocalPaths = [o.WorkDirectory + "/../allowed"] });
        var secret = h.Combine("secret");
        Directory.CreateDirectory(secret);
        Directory.CreateDirectory(h.Combine("allowed"));
        await File.WriteAllTextAsync(Path.Combine(secret, "key"), "do not read", ct);
        foreach (var path in new[] { secret, h.Combine("allowed", "..", "secret"), h.Combine("allowedx") })
        {
            var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("local", "/inputs", ("SourcePath", path))), ct);
            Assert.Equal(ExecutionState.Failed, end.State);
            Assert.Contains("is not under a path this node allows local inputs from", end.Message, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Local_SymlinkInsideAnAllowedPathPointingOut_IsRefused()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness(o => o with { AllowedLocalPaths = [o.WorkDirectory + "/../allowed"] });
        var secret = h.Combine("secret");
        Directory.CreateDirectory(secret);
        Directory.CreateDirectory(h.Combine("allowed"));
        Directory.CreateSymbolicLink(h.Combine("allowed", "escape"), secret);
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("local", "/inputs", ("SourcePath", h.Combine("allowed", "escape")))), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.Contains($"(resolved to {Path.GetFullPath(secret)})", end.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Local_WithNoAllowedPaths_IsRefusedWithAHint()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("local", "/inputs", ("SourcePath", "/etc"))), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.Contains("This node allows no local inputs", end.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Inputs_OverlappingTargets_AreRefused()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(
            NodeHarness.TransformJob(
                NodeHarness.Source("inline", "/outputs/x.txt", ("URL", "data:,x"))),
            ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.Contains("overlap", end.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Inputs_TwoAtTheSameTarget_AreRefusedBeforeAnythingIsFetched()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(
            NodeHarness.TransformJob(
                NodeHarness.Source("inline", "/inputs/same.txt", ("URL", "data:,one")),
                NodeHarness.Source("inline", "/inputs//same.txt/", ("URL", "data:,two"))),
            ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.StartsWith("InputSources[0] at /inputs/same.txt and InputSources[1] at /inputs/same.txt overlap.", end.Message, StringComparison.Ordinal);
        await foreach (var _ in h.Repo.Blocks.ListAsync(ct))
        {
            Assert.Fail("nothing should have been imported");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Inputs_TargetWithDotDot_IsRefused()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("inline", "/inputs/../../etc/x", ("URL", "data:,x"))), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.StartsWith("InputSources[0].Target: \"/inputs/../../etc/x\" has a \"..\" segment", end.Message, StringComparison.Ordinal);
    }

    private static async Task<Receipt> ReceiptAsync(NodeHarness h, ExecutionReport end, CancellationToken ct) =>
        ReceiptCodec.DecodeVerified((await h.Repo.Blocks.GetAsync(Cid.Parse(end.Result!.ReceiptCid!), ct))!).Receipt;

    /// <summary>A real Kestrel on 127.0.0.1:0 serving the url inputs.</summary>
    private sealed class HttpServer : IAsyncDisposable
    {
        public const string Page = "Served over HTTP by Kestrel.\n";

        private readonly WebApplication _app;
        private readonly string _base;

        private HttpServer(WebApplication app, string baseUrl)
        {
            _app = app;
            _base = baseUrl;
        }

        public static async Task<HttpServer> StartAsync(CancellationToken ct)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/page.txt", () => Results.Text(Page));
            app.MapGet("/big", () => Results.Bytes(new byte[5000]));
            app.MapGet("/big-chunked", async (HttpContext context) =>
            {
                // No Content-Length: the cap must be enforced while reading.
                for (var i = 0; i < 10; i++)
                {
                    await context.Response.Body.WriteAsync(new byte[500]);
                    await context.Response.Body.FlushAsync();
                }
            });
            app.MapGet("/missing", () => Results.StatusCode((int)HttpStatusCode.NotFound));
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new HttpServer(app, address);
        }

        public string Url(string path) => _base + path;

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
