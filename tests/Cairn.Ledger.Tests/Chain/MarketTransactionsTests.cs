using Cairn.Ledger.Chain;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Tests.Chain;

/// <summary>The typed builders drive a whole deal life cycle through a real ledger.</summary>
public sealed class MarketTransactionsTests : IDisposable
{
    private readonly Parties _p = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _p.Dispose();
        _dir.Dispose();
    }

    [Fact(Timeout = 60_000)]
    public async Task Builders_OfferDealSubscriptionSettle_CommitAndVerify()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var db = _dir.Combine("ledger.db");
        string alice = _p.Alice.Did.Text, provider = _p.Provider.Did.Text, orchestrator = _p.Orchestrator.Did.Text;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using (var ledger = _p.Open(db))
        {
            async Task Submit(TransactionBody body, Cairn.Ledger.Identity.LedgerKey key) => await ledger.SubmitAsync(ledger.Sign(body, key), cts.Token);
            var offer = new Offer(provider, "gpu-1", new ResourceAmounts(4000, 8L << 30, 100L << 30, 1), ["docker"], new UsagePrices(0, 20, 3), 500, "us-east", new Dictionary<string, string> { ["gpu"] = "a100" }, true);
            await Submit(MarketTransactions.PublishOffer(offer, 0), _p.Provider);
            Assert.Equal(offer.Labels, (await ledger.GetOfferAsync(provider, "gpu-1", cts.Token))!.Labels);
            await Submit(MarketTransactions.CreateSubscription(alice, 0, "monthly", 1000, now + 3_600_000, provider), _p.Alice);
            await Submit(MarketTransactions.Approve(alice, 1, orchestrator, 10_000), _p.Alice);
            await Submit(MarketTransactions.OpenDeal(orchestrator, 0, "deal-7", alice, provider, "gpu-1", "job-7", "exec-7", 3000, 500, now + 600_000, "monthly"), _p.Orchestrator);
            var usage = new Usage(0, 90_000, 2_000);
            List<Cid> results = [Cid.Compute(1, Multicodec.Raw, "stdout"u8)];
            await Submit(MarketTransactions.SettleDeal(orchestrator, 1, "deal-7", usage, results, UsageReports.Sign(_p.Provider, "deal-7", usage, results)), _p.Orchestrator);
            var deal = await ledger.GetDealAsync("deal-7", cts.Token);
            // 90 CPU-s × 20 + 2 GB-s × 3 = 1806, fee 2.5 % = 45.
            Assert.Equal((DealStatus.Settled, 1806L - 45, 45L), (deal!.Status, deal.Paid, deal.ProtocolFee));
            Assert.Equal(1000, (await ledger.GetSubscriptionAsync("monthly", cts.Token))!.Remaining);
            Assert.Null(ledger.CheckInvariants());

            // History names everyone whose balance moved: the client's refund, the provider's pay,
            // the treasury's fee all show the settlement.
            foreach (var who in new[] { alice, provider, _p.Treasury.Did.Text })
            {
                var types = new List<string>();
                await foreach (var e in ledger.HistoryAsync(who, cts.Token))
                {
                    types.Add(e.Type);
                }

                Assert.Contains(TxTypes.DealSettle, types);
            }
        }

        Assert.True(EmbeddedLedger.Verify(db, cts.Token).Ok);
    }
}
