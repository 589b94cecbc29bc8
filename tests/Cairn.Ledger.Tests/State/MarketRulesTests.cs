using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Market;
using Cairn.Multiformats;
using static Cairn.Ledger.Tests.Parties;

namespace Cairn.Ledger.Tests.State;

public sealed class MarketRulesTests : IDisposable
{
    private readonly Parties _p = new();
    private readonly MarketState _state;
    private readonly StateCommitment _commitment = new();

    public MarketRulesTests()
    {
        _state = _p.NewState();
        _commitment.Update(_state, _state.TakeDirty());
    }

    public void Dispose() => _p.Dispose();

    private string Alice => _p.Alice.Did.Text;

    private string Bob => _p.Bob.Did.Text;

    private string Provider => _p.Provider.Did.Text;

    private string Treasury => _p.Treasury.Did.Text;

    private long Balance(string did) => _state.Account(did).Balance;

    private void Accept(LedgerKey from, string type, Dictionary<string, object?> payload, long? fee = null, long? expires = null, long? time = null)
    {
        var body = _p.Body(from, type, payload, fee, expires);
        MarketRules.Apply(_state, body, time ?? _p.Time);
        _p.Used(body);
        Assert.Null(_state.CheckInvariants());
    }

    private void Reject(LedgerKey from, string type, Dictionary<string, object?> payload, string because, long? fee = null, long? expires = null, long? nonce = null, long? time = null)
    {
        var before = _commitment.Update(_state, _state.TakeDirty());
        var body = _p.Body(from, type, payload, fee, expires, nonce);
        var e = Assert.Throws<RuleViolation>(() => MarketRules.Apply(_state, body, time ?? _p.Time));
        Assert.Contains(because, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ErrorCode.Conflict, e.Code);
        // Rejected means nothing changed: same state root as before.
        Assert.Equal(before, _commitment.Update(_state, _state.TakeDirty()));
        Assert.Null(_state.CheckInvariants());
    }

    private void OpenDeal(string id = "d1", long budget = 5000, long collateral = 1000, string? subscription = null)
    {
        Accept(_p.Provider, TxTypes.OfferPublish, OfferPayload());
        Accept(_p.Alice, TxTypes.Approve, P(("spender", _p.Orchestrator.Did.Text), ("amount", 20_000L)));
        Accept(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload(id, budget, collateral, subscription: subscription));
    }

    private Dictionary<string, object?> SettlePayload(string id, Usage usage, LedgerKey? signer = null)
    {
        var results = new List<Cid> { Cid.Compute(1, Multicodec.Raw, "out"u8) };
        var report = UsageReports.Sign(signer ?? _p.Provider, id, usage, results);
        return P(("id", id), ("usage", UsageReports.UsageMap(usage)), ("results", results), ("report", report));
    }

    [Fact]
    public void AnyType_ForAnotherChain_IsRejectedFirst()
    {
        var other = Cid.Compute(1, Multicodec.DagCbor, "another chain"u8);
        var body = _p.Body(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 5L))) with { Chain = other };
        var e = Assert.Throws<RuleViolation>(() => MarketRules.Apply(_state, body, _p.Time));
        Assert.Contains($"for chain {other} on chain {_p.Chain}", e.Message, StringComparison.Ordinal);
        Assert.Throws<RuleViolation>(() => MarketRules.Apply(_state, body with { Chain = null }, _p.Time));
        Assert.Equal(0, _state.Account(Alice).Nonce);
        Accept(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 5L)));
        Assert.Equal(5, Balance(Bob));
    }

    [Fact]
    public void Mint_ByTreasury_AddsToSupply()
    {
        Accept(_p.Treasury, TxTypes.Mint, P(("to", Bob), ("amount", 500L)));
        Assert.Equal(500, Balance(Bob));
        Assert.Equal(1_150_500, _state.Totals.Minted);
    }

    [Fact]
    public void Mint_ByAnyoneElse_IsRejected() =>
        Reject(_p.Alice, TxTypes.Mint, P(("to", Alice), ("amount", 500L)), "only the treasury");

    [Fact]
    public void Mint_Overflowing_IsRejected()
    {
        Accept(_p.Treasury, TxTypes.Mint, P(("to", Bob), ("amount", long.MaxValue - 1_150_000)));
        Reject(_p.Treasury, TxTypes.Mint, P(("to", Bob), ("amount", 1L)), "overflow");
    }

    [Fact]
    public void Transfer_Valid_MovesTheAmount()
    {
        Accept(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 700L)));
        Assert.Equal(99_300, Balance(Alice));
        Assert.Equal(700, Balance(Bob));
        Assert.Equal(1, _state.Account(Alice).Nonce);
    }

    [Fact]
    public void Transfer_MoreThanTheBalance_IsRejected() =>
        Reject(_p.Bob, TxTypes.Transfer, P(("to", Alice), ("amount", 1L)), "less than");

    [Theory]
    [InlineData(0L, "positive")]
    [InlineData(-5L, "positive")]
    public void Transfer_NonPositiveAmount_IsRejected(long amount, string because) =>
        Reject(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", amount)), because);

    [Fact]
    public void Transfer_ToSelfOrNonDid_IsRejected()
    {
        Reject(_p.Alice, TxTypes.Transfer, P(("to", Alice), ("amount", 1L)), "oneself");
        Reject(_p.Alice, TxTypes.Transfer, P(("to", "bob"), ("amount", 1L)), "did:key");
        Reject(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", "1")), "integer");
    }

    [Fact]
    public void Nonce_ReplayedOrAhead_IsRejected()
    {
        Accept(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 1L)));
        Reject(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 1L)), "nonce 0", nonce: 0);
        Reject(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 1L)), "nonce 5", nonce: 5);
    }

    [Fact]
    public void Fee_IsPaidToTheTreasury_NegativeOrUnaffordableRejected()
    {
        Accept(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 10L)), fee: 3);
        Assert.Equal(1_000_003, Balance(Treasury));
        Assert.Equal(100_000 - 13, Balance(Alice));
        Reject(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 10L)), "negative", fee: -1);
        Reject(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 10L)), "less than", fee: 1_000_000);
    }

    [Fact]
    public void Expires_BeforeTheBlockTime_IsRejected()
    {
        Reject(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 1L)), "expired", expires: _p.Time - 1);
        Accept(_p.Alice, TxTypes.Transfer, P(("to", Bob), ("amount", 1L)), expires: _p.Time);
    }

    [Fact]
    public void UnknownType_IsRejected() => Reject(_p.Alice, "steal", P(), "unknown transaction type");

    [Fact]
    public void Offer_PublishUpdateWithdraw_FollowsTheRules()
    {
        Reject(_p.Provider, TxTypes.OfferUpdate, OfferPayload(), "no active offer");
        Accept(_p.Provider, TxTypes.OfferPublish, OfferPayload());
        var offer = _state.Offer(Provider, "wasm-small")!;
        Assert.Equal(new UsagePrices(10, 5, 1), offer.Prices);
        Assert.Equal(["wasm", "docker"], offer.Engines);
        Reject(_p.Provider, TxTypes.OfferPublish, OfferPayload(), "already has");
        Accept(_p.Provider, TxTypes.OfferUpdate, OfferPayload(fuelPrice: 20));
        Assert.Equal(20, _state.Offer(Provider, "wasm-small")!.Prices.PerMegaFuel);
        Reject(_p.Alice, TxTypes.OfferWithdraw, P(("id", "wasm-small")), "no active offer");
        Accept(_p.Provider, TxTypes.OfferWithdraw, P(("id", "wasm-small")));
        Assert.False(_state.Offer(Provider, "wasm-small")!.Active);
        Reject(_p.Provider, TxTypes.OfferWithdraw, P(("id", "wasm-small")), "no active offer");
        Reject(_p.Provider, TxTypes.OfferPublish, OfferPayload(id: "bad:id"), "not an id");
        var noEngines = OfferPayload(id: "x");
        noEngines["engines"] = new List<object?>();
        Reject(_p.Provider, TxTypes.OfferPublish, noEngines, "at least one engine");
    }

    [Fact]
    public void DealOpen_Valid_LocksEscrowAndCollateral()
    {
        OpenDeal();
        Assert.Equal(100_000 - 5000, Balance(Alice));
        Assert.Equal(50_000 - 1000, Balance(Provider));
        Assert.Equal(15_000, _state.Allowance(Alice, _p.Orchestrator.Did.Text));
        Assert.Equal((5000L, 1000L), (_state.Totals.Escrow, _state.Totals.Collateral));
        var deal = _state.Deal("d1")!;
        Assert.Equal(DealStatus.Open, deal.Status);
        Assert.Equal(new UsagePrices(10, 5, 1), deal.Prices);
    }

    [Fact]
    public void DealOpen_BrokenPreconditions_AreRejected()
    {
        Accept(_p.Provider, TxTypes.OfferPublish, OfferPayload());
        Reject(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1"), "allows");
        Accept(_p.Alice, TxTypes.Approve, P(("spender", _p.Orchestrator.Did.Text), ("amount", 1_000_000L)));
        Reject(_p.Alice, TxTypes.DealOpen, _p.DealPayload("d1"), "not an orchestrator");
        Reject(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1", collateral: 999), "below the offer's minimum");
        Reject(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1", budget: 200_000), "less than");
        Reject(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1", collateral: 60_000), "less than");
        Reject(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1", offer: "nope"), "no active offer");
        Reject(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1", deadline: _p.Time), "deadline");
        Reject(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1", subscription: "none"), "no subscription");
        Accept(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1"));
        Reject(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1"), "exists already");
    }

    [Fact]
    public void DealSettle_PaysUsageTimesPrice_FeeToTreasury_RestRefunded()
    {
        OpenDeal();
        // fuel 300M × 10/M = 3000; cpu 100 ms × 5/s = 0 (rounded down); 2000 GB-ms × 1/s = 2 → 3002.
        Accept(_p.Orchestrator, TxTypes.DealSettle, SettlePayload("d1", new Usage(300_000_000, 100, 2000)));
        var deal = _state.Deal("d1")!;
        Assert.Equal(DealStatus.Settled, deal.Status);
        var fee = 3002 * 250 / 10_000;
        Assert.Equal(fee, deal.ProtocolFee);
        Assert.Equal(3002 - fee, deal.Paid);
        Assert.Equal(1_000_000 + fee, Balance(Treasury));
        Assert.Equal(50_000 + 3002 - fee, Balance(Provider));
        Assert.Equal(100_000 - 3002, Balance(Alice));
        Assert.Equal((0L, 0L), (_state.Totals.Escrow, _state.Totals.Collateral));
        Reject(_p.Orchestrator, TxTypes.DealSettle, SettlePayload("d1", new Usage(1, 1, 1)), "not open");
        Reject(_p.Orchestrator, TxTypes.DealFail, P(("id", "d1"), ("reason", "x")), "not open");
    }

    [Fact]
    public void DealSettle_UsageOverBudget_IsCappedAtTheBudget()
    {
        OpenDeal(budget: 5000);
        Accept(_p.Orchestrator, TxTypes.DealSettle, SettlePayload("d1", new Usage(long.MaxValue, long.MaxValue, 0)));
        Assert.Equal(100_000 - 5000, Balance(Alice));
        Assert.Equal(5000, _state.Deal("d1")!.Paid + _state.Deal("d1")!.ProtocolFee);
    }

    [Fact]
    public void DealSettle_ReportNotByTheProviderOrNotByTheOrchestrator_IsRejected()
    {
        OpenDeal();
        Reject(_p.Orchestrator, TxTypes.DealSettle, SettlePayload("d1", new Usage(1, 1, 1), signer: _p.Alice), "report");
        var tampered = SettlePayload("d1", new Usage(1, 1, 1));
        tampered["usage"] = UsageReports.UsageMap(new Usage(1_000_000_000, 1, 1));
        Reject(_p.Orchestrator, TxTypes.DealSettle, tampered, "report");
        Reject(_p.Provider, TxTypes.DealSettle, SettlePayload("d1", new Usage(1, 1, 1)), "orchestrator");
    }

    [Fact]
    public void DealFail_RefundsEverything()
    {
        OpenDeal();
        Reject(_p.Alice, TxTypes.DealFail, P(("id", "d1"), ("reason", "timeout")), "orchestrator");
        Accept(_p.Orchestrator, TxTypes.DealFail, P(("id", "d1"), ("reason", "timeout")));
        Assert.Equal((100_000L, 50_000L), (Balance(Alice), Balance(Provider)));
        Assert.Equal(DealStatus.Failed, _state.Deal("d1")!.Status);
    }

    [Fact]
    public void DealCancel_ByTheClientOnlyAfterTheDeadline()
    {
        OpenDeal();
        var deadline = _state.Deal("d1")!.Deadline;
        Reject(_p.Alice, TxTypes.DealCancel, P(("id", "d1")), "after its deadline", time: deadline);
        Reject(_p.Bob, TxTypes.DealCancel, P(("id", "d1")), "only the client", time: deadline + 1);
        Accept(_p.Alice, TxTypes.DealCancel, P(("id", "d1")), time: deadline + 1);
        Assert.Equal((100_000L, 50_000L), (Balance(Alice), Balance(Provider)));
        Assert.Equal(DealStatus.Cancelled, _state.Deal("d1")!.Status);
    }

    [Fact]
    public void DealSlash_CollateralGoesToClientAndVerifier()
    {
        OpenDeal(collateral: 1000);
        var verifier = _p.Verifier.Did.Text;
        Reject(_p.Alice, TxTypes.DealSlash, P(("id", "d1"), ("verifier", verifier), ("evidence", "x")), "orchestrator");
        Accept(_p.Orchestrator, TxTypes.DealSlash, P(("id", "d1"), ("verifier", verifier), ("evidence", "bafy...")));
        Assert.Equal(200, Balance(verifier)); // 20 % of 1000
        Assert.Equal(100_000 + 800, Balance(Alice));
        Assert.Equal(49_000, Balance(Provider));
        Assert.Equal(DealStatus.Slashed, _state.Deal("d1")!.Status);
        Reject(_p.Orchestrator, TxTypes.DealSettle, SettlePayload("d1", new Usage(1, 1, 1)), "not open");
    }

    [Fact]
    public void Subscription_DealsDrawFromItFirst_RefundsGoBack_CloseAfterExpiry()
    {
        var expires = _p.Time + 10_000;
        Accept(_p.Alice, TxTypes.SubscriptionCreate, P(("id", "plan"), ("amount", 3000L), ("expires", expires), ("provider", Provider)));
        Assert.Equal(97_000, Balance(Alice));
        Assert.Equal(3000, _state.Totals.Escrow);
        Reject(_p.Alice, TxTypes.SubscriptionCreate, P(("id", "plan"), ("amount", 1L), ("expires", expires)), "exists already");

        // Budget 5000: 3000 from the plan, 2000 from the balance (under the allowance).
        OpenDeal(budget: 5000, subscription: "plan");
        Assert.Equal(0, _state.Subscription("plan")!.Remaining);
        Assert.Equal(95_000, Balance(Alice));
        Assert.Equal(3000, _state.Deal("d1")!.FromSubscription);

        // Cost 1000 → refund 4000: 3000 back to the plan, 1000 to the balance.
        Accept(_p.Orchestrator, TxTypes.DealSettle, SettlePayload("d1", new Usage(100_000_000, 0, 0)));
        Assert.Equal(3000, _state.Subscription("plan")!.Remaining);
        Assert.Equal(96_000, Balance(Alice));

        Reject(_p.Alice, TxTypes.SubscriptionClose, P(("id", "plan")), "runs until");
        Reject(_p.Bob, TxTypes.SubscriptionClose, P(("id", "plan")), "only the client", time: expires);
        Accept(_p.Alice, TxTypes.SubscriptionClose, P(("id", "plan")), time: expires);
        Assert.Equal(99_000, Balance(Alice));
        Assert.Equal(0, _state.Totals.Escrow);
        Reject(_p.Alice, TxTypes.SubscriptionClose, P(("id", "plan")), "closed already", time: expires);
    }

    [Fact]
    public void Subscription_ForAnotherProvider_DoesNotCoverTheDeal()
    {
        Accept(_p.Alice, TxTypes.SubscriptionCreate, P(("id", "plan"), ("amount", 3000L), ("expires", _p.Time + 10_000), ("provider", Bob)));
        Accept(_p.Provider, TxTypes.OfferPublish, OfferPayload());
        Accept(_p.Alice, TxTypes.Approve, P(("spender", _p.Orchestrator.Did.Text), ("amount", 20_000L)));
        Reject(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("d1", subscription: "plan"), "does not cover");
    }
}
