using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.Market;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Tests.Market;

/// <summary>LedgerMarket against a real embedded ledger on a temp SQLite file.</summary>
public sealed class LedgerMarketTests : IAsyncLifetime, IDisposable
{
    private const long FuelPrice = 10;
    private readonly Parties _p = new();
    private readonly TempDir _dir = new();
    private EmbeddedLedger _ledger = null!;
    private LedgerMarket _orchestrator = null!;
    private LedgerMarket _provider = null!;

    private string Alice => _p.Alice.Did.Text;

    private string Provider => _p.Provider.Did.Text;

    public async Task InitializeAsync()
    {
        _ledger = EmbeddedLedger.Open(_dir.Combine("ledger.db"), _p.Producer, _p.Genesis);
        _orchestrator = new LedgerMarket(_ledger, _p.Orchestrator, TimeProvider.System);
        _provider = new LedgerMarket(_ledger, _p.Provider, TimeProvider.System);
        await _provider.PublishOfferAsync(NewOffer(), CancellationToken.None);
        await _ledger.SubmitAsync(TransactionCodec.Sign(MarketTransactions.Approve(Alice, 0, _p.Orchestrator.Did.Text, 80_000), _ledger.Chain, _p.Alice), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    public void Dispose()
    {
        _orchestrator.Dispose();
        _provider.Dispose();
        _p.Dispose();
        _dir.Dispose();
    }

    private Offer NewOffer(long fuelPrice = FuelPrice) => new(
        Provider,
        "wasm",
        new ResourceAmounts(2000, 1L << 30, 1L << 30, 0),
        ["wasm"],
        new UsagePrices(fuelPrice, 0, 0),
        100,
        "local",
        new Dictionary<string, string>(StringComparer.Ordinal) { ["tier"] = "test" },
        true);

    private DealRequest Request(string id, string? client = null, long budget = 5000) => new()
    {
        DealId = id,
        Client = client ?? Alice,
        Provider = Provider,
        OfferId = "wasm",
        Job = "j-" + id,
        Execution = id,
        Budget = budget,
        Deadline = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 600_000,
    };

    private SignedUsageReport Report(string dealId, long fuel, LedgerKey? signer = null)
    {
        var results = new List<Cid> { Cid.Compute(1, Multicodec.Raw, "out"u8) };
        var sig = UsageReports.Sign(signer ?? _p.Provider, dealId, new Usage(fuel, 0, 0), results);
        return new SignedUsageReport(dealId, new Usage(fuel, 0, 0), results.ConvertAll(c => c.ToString()), Convert.ToBase64String(sig));
    }

    private async Task AssertVerifiesAsync()
    {
        Assert.Null(_ledger.CheckInvariants());
        await _ledger.DisposeAsync();
        var report = EmbeddedLedger.Verify(_ledger.Path, CancellationToken.None);
        Assert.True(report.Ok, report.Reason);
        _ledger = EmbeddedLedger.Open(_dir.Combine("ledger.db"), _p.Producer);
    }

    [Fact(Timeout = 60_000)]
    public async Task SettleDeal_CompletedExecution_PaysProviderMinusFeeAndRefundsRest()
    {
        var ct = CancellationToken.None;
        var opened = await _orchestrator.OpenDealAsync(Request("d1"), ct);
        Assert.Equal(5000, opened.Budget);
        Assert.Equal(100, opened.Collateral);
        Assert.True(opened.Transaction.Height > 0);
        Assert.Equal(100_000 - 5000, await _ledger.GetBalanceAsync(Alice, ct));
        Assert.Equal(50_000 - 100, await _ledger.GetBalanceAsync(Provider, ct));

        const long fuel = 123_456_789;
        var closed = await _orchestrator.SettleDealAsync(Report("d1", fuel), ct);
        var cost = fuel * FuelPrice / 1_000_000; // 1234
        var fee = cost * _p.Genesis.ProtocolFeeBps / 10_000;
        Assert.Equal(DealStatus.Settled, closed.Status);
        Assert.Equal(cost - fee, closed.Paid);
        Assert.Equal(fee, closed.ProtocolFee);
        Assert.Equal(5000 - cost, closed.Refunded);
        Assert.Equal(100_000 - cost, await _ledger.GetBalanceAsync(Alice, ct));
        Assert.Equal(50_000 + cost - fee, await _ledger.GetBalanceAsync(Provider, ct));
        Assert.Equal(1_000_000 + fee, await _ledger.GetBalanceAsync(_p.Treasury.Did.Text, ct));
        Assert.Equal((0L, 0L), (_ledger.GetTotals().Escrow, _ledger.GetTotals().Collateral));
        await AssertVerifiesAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task OpenDeal_Twice_ReturnsTheSameDealWithoutSending()
    {
        var ct = CancellationToken.None;
        var first = await _orchestrator.OpenDealAsync(Request("d1"), ct);
        var nonce = await _ledger.GetNextNonceAsync(_orchestrator.Account, ct);
        var again = await _orchestrator.OpenDealAsync(Request("d1"), ct);
        Assert.Equal(-1, again.Transaction.Height);
        Assert.Equal(first.Transaction.TxCid, again.Transaction.TxCid);
        Assert.Equal(nonce, await _ledger.GetNextNonceAsync(_orchestrator.Account, ct));
        Assert.Equal(100_000 - 5000, await _ledger.GetBalanceAsync(Alice, ct));

        // A fresh market (a restarted orchestrator) finds it too.
        using var restarted = new LedgerMarket(_ledger, _p.Orchestrator, TimeProvider.System);
        Assert.Equal(first.Transaction.TxCid, (await restarted.OpenDealAsync(Request("d1"), ct)).Transaction.TxCid);
    }

    [Fact(Timeout = 60_000)]
    public async Task OpenDeal_SameIdForAnotherClient_IsConflict()
    {
        var ct = CancellationToken.None;
        await _orchestrator.OpenDealAsync(Request("d1"), ct);
        var e = await Assert.ThrowsAnyAsync<CairnException>(async () => await _orchestrator.OpenDealAsync(Request("d1", _p.Bob.Did.Text), ct));
        Assert.Equal(ErrorCode.Conflict, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task FailDeal_OpenDeal_RefundsAllAndRepeatsReturnTheOutcome()
    {
        var ct = CancellationToken.None;
        await _orchestrator.OpenDealAsync(Request("d1"), ct);
        var failed = await _orchestrator.FailDealAsync("d1", "exit code 1", ct);
        Assert.Equal(DealStatus.Failed, failed.Status);
        Assert.Equal((0L, 0L, 5000L), (failed.Paid, failed.ProtocolFee, failed.Refunded));
        Assert.True(failed.Transaction.Height > 0);
        Assert.Equal(100_000, await _ledger.GetBalanceAsync(Alice, ct));
        Assert.Equal(50_000, await _ledger.GetBalanceAsync(Provider, ct));

        var again = await _orchestrator.FailDealAsync("d1", "again", ct);
        Assert.Equal((DealStatus.Failed, -1L, failed.Transaction.TxCid), (again.Status, again.Transaction.Height, again.Transaction.TxCid));
        var settle = await _orchestrator.SettleDealAsync(Report("d1", 1000), ct);
        Assert.Equal(DealStatus.Failed, settle.Status);
        Assert.Equal(5000, settle.Refunded);
        await AssertVerifiesAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task SettleDeal_Twice_SecondReturnsTheSettlement()
    {
        var ct = CancellationToken.None;
        await _orchestrator.OpenDealAsync(Request("d1"), ct);
        var first = await _orchestrator.SettleDealAsync(Report("d1", 2_000_000), ct);
        var second = await _orchestrator.SettleDealAsync(Report("d1", 2_000_000), ct);
        Assert.Equal(first with { Transaction = second.Transaction }, second);
        Assert.Equal(first.Transaction.TxCid, second.Transaction.TxCid);
        Assert.Equal(100_000 - 20, await _ledger.GetBalanceAsync(Alice, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task SettleDeal_ReportNotSignedByProvider_IsRejectedAndDealStaysOpen()
    {
        var ct = CancellationToken.None;
        await _orchestrator.OpenDealAsync(Request("d1"), ct);
        var e = await Assert.ThrowsAnyAsync<CairnException>(async () => await _orchestrator.SettleDealAsync(Report("d1", 1000, _p.Bob), ct));
        Assert.Equal(ErrorCode.Conflict, e.Code);
        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
        Assert.Equal(DealStatus.Open, (await _orchestrator.GetDealAsync("d1", ct))!.Status);

        // The market's nonce resynced: the next call goes through.
        Assert.Equal(DealStatus.Failed, (await _orchestrator.FailDealAsync("d1", "bad report", ct)).Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task OpenDeal_ClientWithoutAllowance_FailsWithTheLedgersReason()
    {
        var ct = CancellationToken.None;
        var e = await Assert.ThrowsAnyAsync<CairnException>(async () => await _orchestrator.OpenDealAsync(Request("d1", _p.Bob.Did.Text), ct));
        Assert.Equal(ErrorCode.Conflict, e.Code);
        Assert.Contains("allows", e.Message, StringComparison.Ordinal);
        Assert.Null(await _orchestrator.GetDealAsync("d1", ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task OpenDeal_200Concurrent_AllCommitInFewBlocks()
    {
        var ct = CancellationToken.None;
        var before = (await _ledger.GetHeadAsync(ct)).Height;
        var opened = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _orchestrator.OpenDealAsync(Request($"d{i}", budget: 100), ct).AsTask()));
        Assert.Equal(200, opened.Select(o => o.Transaction.TxCid).Distinct().Count());
        Assert.Equal(200, await _ledger.GetNextNonceAsync(_orchestrator.Account, ct));
        Assert.Equal(100_000 - 20_000, await _ledger.GetBalanceAsync(Alice, ct));
        Assert.True((await _ledger.GetHeadAsync(ct)).Height - before < 100, "deal transactions were not batched into blocks");

        var closed = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => i % 2 == 0
            ? _orchestrator.SettleDealAsync(Report($"d{i}", 1_000_000), ct).AsTask()
            : _orchestrator.FailDealAsync($"d{i}", "failed", ct).AsTask()));
        Assert.Equal(100, closed.Count(c => c.Status == DealStatus.Settled));
        Assert.Equal(100_000 - (100 * FuelPrice), await _ledger.GetBalanceAsync(Alice, ct));
        await AssertVerifiesAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task OpenDeal_ConcurrentWithRejectedOnes_OnlyTheRejectedFail()
    {
        var ct = CancellationToken.None;
        var calls = Enumerable.Range(0, 120).Select(i => (Id: $"d{i}", Bad: i % 7 == 3)).ToList();
        var tasks = calls.Select(c => _orchestrator.OpenDealAsync(Request(c.Id, c.Bad ? _p.Bob.Did.Text : null, budget: 100), ct).AsTask()).ToList();
        for (var i = 0; i < calls.Count; i++)
        {
            if (calls[i].Bad)
            {
                var e = await Assert.ThrowsAnyAsync<CairnException>(() => tasks[i]);
                Assert.Contains("allows", e.Message, StringComparison.Ordinal);
            }
            else
            {
                await tasks[i];
            }
        }

        var good = calls.Count(c => !c.Bad);
        Assert.Equal(good, await _ledger.GetNextNonceAsync(_orchestrator.Account, ct));
        Assert.Equal(100_000 - (good * 100), await _ledger.GetBalanceAsync(Alice, ct));
        await AssertVerifiesAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task OpenDeal_SameIdConcurrently_OpensOneDealAndAllReturnIt()
    {
        var ct = CancellationToken.None;
        var opened = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _orchestrator.OpenDealAsync(Request("d1"), ct).AsTask()));
        Assert.Single(opened.Select(o => o.Transaction.TxCid).Distinct());
        Assert.Single(opened, o => o.Transaction.Height > 0);
        Assert.Equal(100_000 - 5000, await _ledger.GetBalanceAsync(Alice, ct));

        // Settle and fail racing on one deal: one closes it, both report that close.
        var closes = await Task.WhenAll(
            _orchestrator.SettleDealAsync(Report("d1", 1_000_000), ct).AsTask(),
            _orchestrator.FailDealAsync("d1", "lost", ct).AsTask());
        Assert.Equal(closes[0].Status, closes[1].Status);
        Assert.Equal(closes[0].Transaction.TxCid, closes[1].Transaction.TxCid);
        Assert.Equal(2, await _ledger.GetNextNonceAsync(_orchestrator.Account, ct)); // one open, one close
        await AssertVerifiesAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task PublishOffer_ChangedTerms_UpdatesAndSameTermsSendNothing()
    {
        var ct = CancellationToken.None;
        Assert.Equal(-1, (await _provider.PublishOfferAsync(NewOffer(), ct)).Height);
        Assert.True((await _provider.PublishOfferAsync(NewOffer(fuelPrice: 20), ct)).Height > 0);
        var offers = await _provider.GetOffersAsync(Provider, ct);
        Assert.Equal(20, Assert.Single(offers).Prices.PerMegaFuel);
    }
}
