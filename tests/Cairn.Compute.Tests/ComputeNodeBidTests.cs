using Cairn.Compute.Tests.Conformance;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Compute.Tests;

/// <summary>Bidding by capacity, the node's description, data locality and the published offer.</summary>
public sealed class ComputeNodeBidTests
{
    private static readonly Resources Half = new() { CpuMillis = 1000, MemoryBytes = 256L << 20 };

    [Fact(Timeout = 60_000)]
    public async Task AskBid_BeyondTheCapacityLeft_IsDeclinedUntilAReservationIsCancelled()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness(o => o with { Capacity = new Resources { CpuMillis = 2000, MemoryBytes = 1L << 30 } });
        var job = NodeHarness.Job(new SpecConfig { Type = "noop" }, resources: new Resources { CpuMillis = 1500, MemoryBytes = 256L << 20 });
        var first = ExecutionId.New();
        var accepted = await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = first, Job = job }, ct);
        Assert.True(accepted.Accepted);
        Assert.Equal(10, accepted.Price);
        Assert.Equal(500, (await h.Node.GetInfoAsync(ct)).Available.CpuMillis);

        var second = await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = job }, ct);
        Assert.False(second.Accepted);
        Assert.StartsWith($"not enough free capacity: the task asks for {job.Tasks[0].Resources}, this node has {h.Options.Capacity.Subtract(job.Tasks[0].Resources)} free", second.Reason, StringComparison.Ordinal);

        // Asking again for the same execution is idempotent.
        Assert.True((await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = first, Job = job }, ct)).Accepted);

        await h.Node.CancelAsync(new CancelExecutionRequest { ExecutionId = first }, ct);
        Assert.Equal(h.Options.Capacity, (await h.Node.GetInfoAsync(ct)).Available);
        Assert.True((await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = job }, ct)).Accepted);
    }

    [Fact(Timeout = 60_000)]
    public async Task AskBid_WhileAnotherExecutionRuns_CountsItsResources()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness(o => o with { Capacity = new Resources { CpuMillis = 2000, MemoryBytes = 1L << 30 } });
        var loop = NodeHarness.Job(ExecutorModules.WasmEngine("loop"), resources: Half with { CpuMillis = 1500 }, timeout: TimeSpan.FromSeconds(40));
        var running = ExecutionId.New();
        Assert.True((await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = running, Job = loop }, ct)).Accepted);
        await h.Node.BidAcceptedAsync(new BidAcceptedRequest { ExecutionId = running, Job = loop }, ct);
        await h.Callback.StateAsync(running, ExecutionState.Running, ct);

        var declined = await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = NodeHarness.Job(new SpecConfig { Type = "noop" }, resources: Half) }, ct);
        Assert.False(declined.Accepted);

        await h.Node.CancelAsync(new CancelExecutionRequest { ExecutionId = running }, ct);
        await h.Callback.EndAsync(running, ct);
        Assert.True((await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = NodeHarness.Job(new SpecConfig { Type = "noop" }, resources: Half) }, ct)).Accepted);
    }

    [Fact(Timeout = 60_000)]
    public async Task AskBid_ReservationNotConfirmedInTime_IsReleased()
    {
        var ct = NodeHarness.Token();
        var clock = new ManualClock();
        await using var h = new NodeHarness(o => o with { ReservationTimeout = TimeSpan.FromSeconds(30) }, clock: clock);
        var job = NodeHarness.Job(new SpecConfig { Type = "noop" }, resources: h.Options.Capacity);
        Assert.True((await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = job }, ct)).Accepted);
        Assert.False((await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = job }, ct)).Accepted);
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.True((await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = job }, ct)).Accepted);
    }

    [Fact(Timeout = 60_000)]
    public async Task AskBid_UnknownEngine_IsDeclinedListingTheEngines()
    {
        await using var h = new NodeHarness();
        var bid = await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = NodeHarness.Job(new SpecConfig { Type = "docker" }) }, NodeHarness.Token());
        Assert.False(bid.Accepted);
        Assert.Equal("engine \"docker\" is not available here (this node runs noop, wasm)", bid.Reason);
    }

    [Fact(Timeout = 60_000)]
    public async Task AskBid_InvalidEngineParams_IsDeclinedWithTheReason()
    {
        await using var h = new NodeHarness();
        var engine = ExecutorModules.WasmEngine("exit3");
        var withImports = engine with { Params = new Dictionary<string, object?>(engine.Params, StringComparer.OrdinalIgnoreCase) { ["ImportModules"] = new List<object?> { engine.Params["EntryModule"] } } };
        var bid = await h.Node.AskBidAsync(new AskBidRequest { ExecutionId = ExecutionId.New(), Job = NodeHarness.Job(withImports) }, NodeHarness.Token());
        Assert.False(bid.Accepted);
        Assert.Contains("ImportModules", bid.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task BidAccepted_BeyondCapacityWithoutAReservation_ReportsFailed()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var job = NodeHarness.Job(new SpecConfig { Type = "noop" }, resources: h.Options.Capacity with { CpuMillis = h.Options.Capacity.CpuMillis + 1 });
        var id = ExecutionId.New();
        await h.Node.BidAcceptedAsync(new BidAcceptedRequest { ExecutionId = id, Job = job }, ct);
        var end = await h.Callback.EndAsync(id, ct);
        Assert.Equal(ExecutionState.Failed, end.State);
        Assert.StartsWith("not enough free capacity any more", end.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task GetInfo_DescribesTheNode()
    {
        await using var h = new NodeHarness(o => o with { Labels = new Dictionary<string, string> { ["region"] = "eu" } });
        var info = await h.Node.GetInfoAsync(NodeHarness.Token());
        Assert.Equal(h.Options.NodeId, info.Id);
        Assert.Equal(["noop", "wasm"], info.Engines);
        Assert.Equal(["ipfs", "inline", "url", "local"], info.InputSources);
        Assert.Equal(h.Options.Capacity, info.Capacity);
        Assert.Equal(h.Options.Capacity, info.Available);
        Assert.Equal(10, info.Price);
        Assert.Equal(h.Key.Did.Text, info.Account);
        Assert.Equal("offer-1", info.OfferId);
        Assert.Equal("eu", info.Labels["region"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task GetLocalBytes_CountsTheBlocksPresentAndStopsAtMissingOnes()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var file = h.Combine("three-chunks");
        await File.WriteAllBytesAsync(file, new byte[600_000], ct);
        var root = await h.AddAsync(file, ct);
        var rootBlock = (await h.Repo.Blocks.GetAsync(root, ct))!;
        var leaves = Content.BlockLinks.Get(root, rootBlock);
        // The first two leaves are identical zero chunks (one block); the third is the 76,288-byte tail.
        var unique = leaves.Distinct().ToList();
        long total = rootBlock.Length;
        foreach (var leaf in unique)
        {
            total += (await h.Repo.Blocks.GetSizeAsync(leaf, ct))!.Value;
        }

        var absent = Cid.Compute(1, Multicodec.Raw, "not here"u8);
        Assert.Equal(total, await h.Node.GetLocalBytesAsync([root, absent, root], ct));
        Assert.Equal(0, await h.Node.GetLocalBytesAsync([absent], ct));

        await h.Repo.Blocks.DeleteAsync(leaves[^1], ct);
        Assert.Equal(total - 600_000 + 2 * 262_144, await h.Node.GetLocalBytesAsync([root], ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Start_WithAMarket_PublishesTheOfferOnceWhileItIsUnchanged()
    {
        var ct = NodeHarness.Token();
        var market = new RecordingMarket();
        await using var h = new NodeHarness(o => o with { MinCollateral = 50, Labels = new Dictionary<string, string> { ["gpu"] = "none" } }, market: market);
        await h.Node.StartAsync(ct);
        var offer = Assert.Single(market.Published);
        Assert.Equal(market.Account, offer.Provider);
        Assert.Equal("offer-1", offer.Id);
        Assert.Equal(new ResourceAmounts(2000, 1L << 30, 1L << 30, 0), offer.Resources);
        Assert.Equal(["noop", "wasm"], offer.Engines);
        Assert.Equal(new UsagePrices(10, 0, 0), offer.Prices);
        Assert.Equal(50, offer.MinCollateral);
        Assert.Equal("none", offer.Labels["gpu"]);
        Assert.True(offer.Active);
        Assert.True(Directory.Exists(h.Options.WorkDirectory));

        await h.Node.StartAsync(ct);
        Assert.Single(market.Published);
    }

    [Fact]
    public async Task Constructor_InvalidOptions_NameTheOption()
    {
        var e = await Assert.ThrowsAsync<CairnException>(async () =>
        {
            await using var h = new NodeHarness(o => o with { MaxLogBytes = 0 });
        });
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Equal("Compute node option MaxLogBytes must be positive.", e.Message);
    }

    /// <summary>
    /// A fake: the ledger-backed market lives on the market helper's branch. It records offers and
    /// answers GetOffers from them, which is all a compute node asks of a market.
    /// </summary>
    private sealed class RecordingMarket : IMarket
    {
        public List<Offer> Published { get; } = [];

        public string Account => "did:key:zDnaeTestProvider";

        public ValueTask<MarketTx> PublishOfferAsync(Offer offer, CancellationToken cancellationToken)
        {
            Published.Add(offer);
            return ValueTask.FromResult(new MarketTx("bafytx" + Published.Count, Published.Count));
        }

        public ValueTask<IReadOnlyList<Offer>> GetOffersAsync(string provider, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<Offer>>(Published.Where(o => o.Provider == provider).ToList());

        public ValueTask<DealOpened> OpenDealAsync(DealRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<DealClosed> SettleDealAsync(SignedUsageReport report, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<DealClosed> FailDealAsync(string dealId, string reason, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<Deal?> GetDealAsync(string dealId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>A clock the test moves by hand (for the reservation timeout).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
