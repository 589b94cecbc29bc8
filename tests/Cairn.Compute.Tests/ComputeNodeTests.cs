using System.Text;
using Cairn.Compute.Receipts;
using Cairn.Compute.Tests.Conformance;
using Cairn.Content.Storage;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Compute.Tests;

/// <summary>Whole executions on a compute node: real store, real pins, real Wasm modules, a recording orchestrator.</summary>
public sealed class ComputeNodeTests
{
    [Fact(Timeout = 60_000)]
    public async Task Run_TransformOverIpfsDirectory_ReportsRunningPublishingCompletedWithTheTransformedOutput()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var data = h.Combine("data");
        Directory.CreateDirectory(Path.Combine(data, "deeper"));
        await File.WriteAllTextAsync(Path.Combine(data, "one.txt"), "the quick brown fox\n", ct);
        await File.WriteAllTextAsync(Path.Combine(data, "deeper", "two.txt"), "Jumps Over 13 lazy dogs\n", ct);
        var input = await h.AddAsync(data, ct);

        var (id, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("ipfs", "/inputs", ("CID", input.ToString()))), ct);

        Assert.Equal([ExecutionState.Running, ExecutionState.Publishing, ExecutionState.Completed], h.Callback.StatesOf(id));
        var result = end.Result!;
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Error);
        var output = await h.ExportAsync(result.Outputs["out"], ct);
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
        {
            var expected = (await File.ReadAllTextAsync(file, ct)).ToUpperInvariant();
            Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(output, Path.GetRelativePath(data, file)), ct));
        }

        Assert.Equal(2, Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Count());
        Assert.Contains("copied 2 files", await h.CatAsync(result.StdoutCid!, ct), StringComparison.Ordinal);
        Assert.Contains("input write refused", await h.CatAsync(result.StderrCid!, ct), StringComparison.Ordinal);
        Assert.True(result.Usage.Fuel > 0);

        // The receipt is stored, pinned, signed by the node, and names what ran on what.
        var receiptCid = Cid.Parse(result.ReceiptCid!);
        Assert.Equal(PinMode.Recursive, (await h.Repo.Pins.GetAsync(receiptCid, ct))!.Mode);
        // The receipt's pin keeps what it links to through garbage collection; an unpinned block goes.
        var garbage = Cid.Compute(1, Multicodec.Raw, "garbage"u8);
        await h.Repo.Blocks.PutAsync(garbage, "garbage"u8.ToArray(), ct);
        await h.Repo.CollectGarbageAsync(ct);
        Assert.False(await h.Repo.Blocks.HasAsync(garbage, ct));
        await h.Repo.EnsurePresentAsync(receiptCid, PinMode.Recursive, ct);
        var afterGc = await h.ExportAsync(result.Outputs["out"], ct);
        Assert.Equal("THE QUICK BROWN FOX\n", await File.ReadAllTextAsync(Path.Combine(afterGc, "one.txt"), ct));
        Assert.Contains("copied 2 files", await h.CatAsync(result.StdoutCid!, ct), StringComparison.Ordinal);
        var receipt = ReceiptCodec.DecodeVerified((await h.Repo.Blocks.GetAsync(receiptCid, ct))!);
        Assert.Equal(receiptCid, receipt.Cid);
        Assert.Equal(h.Key.Did.Text, receipt.Receipt.Node);
        Assert.Equal(id.ToString(), receipt.Receipt.Execution);
        Assert.Equal("wasm", receipt.Receipt.Engine);
        Assert.Equal(Cid.Compute(1, Multicodec.Raw, ExecutorModules.Bytes("transform")), receipt.Receipt.Module);
        Assert.Equal([new ReceiptInput("/inputs", input)], receipt.Receipt.Inputs);
        Assert.Equal([new ReceiptOutput("out", Cid.Parse(result.Outputs["out"]))], receipt.Receipt.Outputs);
        Assert.Equal(result.Usage, receipt.Receipt.Usage);
        Assert.True(receipt.Receipt.FinishedAt >= receipt.Receipt.StartedAt);

        // Published and pinned, the work directory is removed (after the report: the orchestrator does not wait for it).
        await h.Node.WaitAsync(id, ct);
        Assert.False(Directory.Exists(Path.Combine(h.Options.WorkDirectory, id.Value)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_NoopJob_CompletesWithEmptyOutputsAndAReceipt()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (id, end) = await h.RunAsync(NodeHarness.Job(new SpecConfig { Type = "noop" }), ct);
        Assert.Equal(ExecutionState.Completed, end.State);
        Assert.Equal("", await h.CatAsync(end.Result!.StdoutCid!, ct));
        var receipt = ReceiptCodec.DecodeVerified((await h.Repo.Blocks.GetAsync(Cid.Parse(end.Result.ReceiptCid!), ct))!);
        Assert.Equal("noop", receipt.Receipt.Engine);
        Assert.Null(receipt.Receipt.Module);
        Assert.Equal(new Usage(0, 0, 0), receipt.Receipt.Usage);
        Assert.Equal(3, h.Callback.StatesOf(id).Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_ModuleExitingNonZero_FailsWithItsExitCodeAndPublishedStderr()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(NodeHarness.Job(ExecutorModules.WasmEngine("exit3")), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.Equal("the task exited with code 3", end.Message);
        Assert.Equal(3, end.Result!.ExitCode);
        Assert.Equal("failing on purpose\n", await h.CatAsync(end.Result.StderrCid!, ct));
        Assert.NotNull(end.Result.ReceiptCid);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_ModuleThatTraps_FailsNamingTheTrap()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(NodeHarness.Job(ExecutorModules.WasmEngine("trap")), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.Equal("wasm trap: unreachable in function explode", end.Message);
        Assert.Equal("wasm trap: unreachable in function explode", end.Result!.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_EndlessLoopPastItsExecutionTimeout_FailsAsTimedOut()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(NodeHarness.Job(ExecutorModules.WasmEngine("loop"), timeout: TimeSpan.FromMilliseconds(500)), ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.Equal("execution timeout of 0.5s exceeded", end.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_WithADeal_IsFuelLimitedByTheBudgetAndSignsAUsageReport()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        // 10 per mega-fuel and a budget of 300 buy 30 million fuel: the endless loop runs out.
        var deal = new DealTerms("deal-7", 300, new UsagePrices(10, 0, 0));
        var (_, end) = await h.RunAsync(NodeHarness.Job(ExecutorModules.WasmEngine("loop")), ct, deal);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.StartsWith("out of fuel", end.Message, StringComparison.Ordinal);
        var result = end.Result!;
        Assert.InRange(result.Usage.Fuel, 30_000_000, 30_100_000);
        var report = result.UsageReport!;
        Assert.Equal("deal-7", report.DealId);
        Assert.Equal(result.Usage, report.Usage);
        Assert.Equal(result.ReceiptCid, report.Results[0]);
        Assert.Equal(result.Outputs["out"], report.Results[1]);
        var signed = UsageReports.SigningBytes(report.DealId, report.Usage, [.. report.Results.Select(Cid.Parse)]);
        Assert.True(SignatureVerifier.Verify(h.Key.Did.Text, signed, Convert.FromBase64String(report.Signature)));
        var forged = UsageReports.SigningBytes(report.DealId, report.Usage with { Fuel = 1 }, [.. report.Results.Select(Cid.Parse)]);
        Assert.False(SignatureVerifier.Verify(h.Key.Did.Text, forged, Convert.FromBase64String(report.Signature)));
        var receipt = ReceiptCodec.DecodeVerified((await h.Repo.Blocks.GetAsync(Cid.Parse(result.ReceiptCid!), ct))!);
        Assert.Equal("deal-7", receipt.Receipt.Deal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_WithoutADeal_HasNoUsageReport()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var (_, end) = await h.RunAsync(NodeHarness.Job(new SpecConfig { Type = "noop" }), ct);
        Assert.Null(end.Result!.UsageReport);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancel_MidRun_StopsTheTaskAndReportsCancelled()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var job = NodeHarness.Job(ExecutorModules.WasmEngine("loop"), timeout: TimeSpan.FromSeconds(40));
        var id = ExecutionId.New();
        Assert.True((await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = id, Job = job }, ct)).Accepted);
        await h.Node.BidAcceptedAsync(new BidAcceptedRequest { ExecutionId = id, Job = job }, ct);
        await foreach (var chunk in h.Node.ReadAsync(id, follow: true, ct))
        {
            // The module is running once its first tick is out.
            Assert.StartsWith("tick 0", Encoding.UTF8.GetString(chunk.Data.Span), StringComparison.Ordinal);
            break;
        }

        var started = DateTime.UtcNow;
        await h.Node.CancelAsync(new CancelExecutionRequest { ExecutionId = id, Reason = "stopped by the test" }, ct);
        var end = await h.Callback.EndAsync(id, ct);
        Assert.Equal(ExecutionState.Cancelled, end.State);
        Assert.Equal("stopped by the test", end.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal([ExecutionState.Running, ExecutionState.Cancelled], h.Callback.StatesOf(id));
        Assert.Equal(h.Options.Capacity, (await h.Node.GetInfoAsync(ct)).Available);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancel_UnknownExecution_IsANoOp()
    {
        await using var h = new NodeHarness();
        await h.Node.CancelAsync(new CancelExecutionRequest { ExecutionId = ExecutionId.New() }, NodeHarness.Token());
        Assert.Empty(h.Callback.Reports);
    }

    [Fact(Timeout = 60_000)]
    public async Task Report_RefusedTwiceByTheOrchestrator_IsRetriedAndArrives()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness(failFirstReports: 2);
        var (id, end) = await h.RunAsync(NodeHarness.Job(new SpecConfig { Type = "noop" }), ct);
        Assert.Equal(2, h.Callback.Refused);
        Assert.Equal(ExecutionState.Completed, end.State);
        Assert.Equal([ExecutionState.Running, ExecutionState.Publishing, ExecutionState.Completed], h.Callback.StatesOf(id));
    }

    [Fact(Timeout = 60_000)]
    public async Task Logs_FollowWhileRunning_StreamLiveAndEndWithTheExecution()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var job = NodeHarness.Job(ExecutorModules.WasmEngine("loop"), timeout: TimeSpan.FromSeconds(1));
        var id = ExecutionId.New();
        Assert.True((await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = id, Job = job }, ct)).Accepted);
        await h.Node.BidAcceptedAsync(new BidAcceptedRequest { ExecutionId = id, Job = job }, ct);
        var text = new StringBuilder();
        var chunksBeforeEnd = 0;
        await foreach (var chunk in h.Node.ReadAsync(id, follow: true, ct))
        {
            Assert.Equal(Cairn.Jobs.Execution.LogSource.Stdout, chunk.Source);
            text.Append(Encoding.UTF8.GetString(chunk.Data.Span));
            if (!h.Callback.StatesOf(id).Contains(ExecutionState.Publishing))
            {
                chunksBeforeEnd++;
            }
        }

        // The follow ended by itself when the task timed out, having seen every tick it printed.
        var end = await h.Callback.EndAsync(id, ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.True(chunksBeforeEnd > 0);
        Assert.Equal(await h.CatAsync(end.Result!.StdoutCid!, ct), text.ToString());
        Assert.StartsWith("tick 0\ntick 1\n", text.ToString(), StringComparison.Ordinal);

        // After the end, the logs come from the published CIDs.
        var again = new StringBuilder();
        await foreach (var chunk in h.Node.ReadAsync(id, follow: false, ct))
        {
            again.Append(Encoding.UTF8.GetString(chunk.Data.Span));
        }

        Assert.Equal(text.ToString(), again.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Logs_UnknownExecution_IsNotFound()
    {
        await using var h = new NodeHarness();
        var e = await Assert.ThrowsAsync<CairnException>(async () =>
        {
            await foreach (var _ in h.Node.ReadAsync(ExecutionId.New(), follow: false, NodeHarness.Token()))
            {
            }
        });
        Assert.Equal(ErrorCode.NotFound, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Logs_BeyondTheCap_AreCutAndNoted()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness(o => o with { MaxLogBytes = 100 });
        // A fuel limit, not a timeout, ends the loop: a billion fuel prints well over 100 bytes of
        // ticks on any machine, however loaded (a 500 ms timeout could end before the first 100).
        var deal = new DealTerms("deal-logs", 10_000, new UsagePrices(10, 0, 0));
        var (_, end) = await h.RunAsync(NodeHarness.Job(ExecutorModules.WasmEngine("loop")), ct, deal);
        var stdout = await h.CatAsync(end.Result!.StdoutCid!, ct);
        var note = stdout[100..];
        Assert.StartsWith("\n[cairn: ", note, StringComparison.Ordinal);
        Assert.Contains("more bytes of stdout were dropped; a node keeps 100 bytes per stream]", note, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_SeveralAtOnce_AllCompleteWithTheirOwnOutputs()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness(o => o with { Capacity = new Resources { CpuMillis = 8000, MemoryBytes = 4L << 30 } });
        var runs = Enumerable.Range(0, 4).Select(i => h.RunAsync(
            NodeHarness.TransformJob(NodeHarness.Source("inline", $"/inputs/{i}.txt", ("URL", $"data:,run{i}"))), ct)).ToList();
        var ends = await Task.WhenAll(runs);
        for (var i = 0; i < ends.Length; i++)
        {
            Assert.Equal(ExecutionState.Completed, ends[i].End.State);
            var output = await h.ExportAsync(ends[i].End.Result!.Outputs["out"], ct);
            Assert.Equal($"RUN{i}", await File.ReadAllTextAsync(Path.Combine(output, $"{i}.txt"), ct));
        }

        Assert.Equal(4, ends.Select(e => e.End.Result!.ReceiptCid).Distinct().Count());
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_KeepingWorkDirectories_LeavesInputsReadOnlyOnDisk()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness(o => o with { KeepWorkDirectories = true });
        var (id, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("inline", "/inputs/kept.txt", ("URL", "data:,kept"))), ct);
        Assert.Equal(ExecutionState.Completed, end.State);
        var work = Path.Combine(h.Options.WorkDirectory, id.Value);
        var input = Path.Combine(work, "inputs", "inputs", "kept.txt");
        Assert.Equal("kept", await File.ReadAllTextAsync(input, ct));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(input));
        }
        Assert.Equal("copied 1 files\ngreeting=(none)\n", await File.ReadAllTextAsync(Path.Combine(work, "stdout"), ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_PublishedOutputCid_IsWhatTheReferenceImporterGivesForTheExpectedDirectory()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var data = h.Combine("data");
        Directory.CreateDirectory(Path.Combine(data, "sub"));
        // Bigger than one 256 KiB chunk, so the output file is a dag-pb root over raw leaves.
        var big = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"line {i} of text\n"));
        await File.WriteAllTextAsync(Path.Combine(data, "big.txt"), big, ct);
        await File.WriteAllTextAsync(Path.Combine(data, "sub", "small.txt"), "small\n", ct);
        var input = await h.AddAsync(data, ct);
        var (_, end) = await h.RunAsync(NodeHarness.TransformJob(NodeHarness.Source("ipfs", "/inputs", ("CID", input.ToString()))), ct);
        Assert.Equal(ExecutionState.Completed, end.State);

        // The transformation done in C#, imported by ipfs-unixfs-importer (`ipfs add -r --cid-version=1`).
        var expected = h.Combine("expected");
        Directory.CreateDirectory(Path.Combine(expected, "sub"));
        await File.WriteAllTextAsync(Path.Combine(expected, "big.txt"), big.ToUpperInvariant(), ct);
        await File.WriteAllTextAsync(Path.Combine(expected, "sub", "small.txt"), "SMALL\n", ct);
        var request = System.Text.Json.JsonSerializer.Serialize(new { cases = new[] { new { op = "import", id = "out", kind = "dir", path = expected } } });
        var line = await NodeOracle.RunAsync("unixfs-oracle.mjs", [], ct, Encoding.UTF8.GetBytes(request));
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal(doc.RootElement.GetProperty("root").GetString(), end.Result!.Outputs["out"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task BidAccepted_RepeatedForAnExecutionThatRan_DoesNotRunItAgain()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var job = NodeHarness.Job(new SpecConfig { Type = "noop" });
        var (id, _) = await h.RunAsync(job, ct);
        await h.Node.WaitAsync(id, ct);
        await h.Node.BidAcceptedAsync(new BidAcceptedRequest { ExecutionId = id, Job = job }, ct);
        await h.Node.WaitAsync(id, ct);
        Assert.Equal([ExecutionState.Running, ExecutionState.Publishing, ExecutionState.Completed], h.Callback.StatesOf(id));
    }
}
