using Cairn.Ledger;
using Cairn.Ledger.Chain;
using Cairn.Market;

namespace Cairn.Api.Tests;

public sealed class LedgerApiTests
{
    private static CancellationToken Ct => TestContext.Current;

    [Fact(Timeout = 60_000)]
    public async Task LedgerEndpoints_ShowWhatTheLedgerHolds()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        var alice = host.Alice.Did.Text;
        var bob = host.Bob.Did.Text;
        var receipt = await host.Ledger.SubmitAsync(TransactionCodec.Sign(MarketTransactions.Transfer(alice, 0, bob, 1200), host.Ledger.Chain, host.Alice), Ct);

        var head = await host.Client.GetLedgerHeadAsync(Ct);
        var expected = await host.Ledger.GetHeadAsync(Ct);
        Assert.Equal(expected.Height, head.Height);
        Assert.Equal(host.Ledger.Chain.ToString(), head.Chain);
        Assert.Equal(expected.Block.ToString(), head.Block);
        Assert.Equal(Convert.ToHexStringLower(expected.StateRoot.Span), head.StateRoot);

        var balance = await host.Client.GetBalanceAsync(alice, Ct);
        Assert.Equal(await host.Ledger.GetBalanceAsync(alice, Ct), balance.Balance);
        Assert.Equal(1, balance.NextNonce);
        Assert.Equal(3000 + 1200, (await host.Client.GetBalanceAsync(bob, Ct)).Balance);

        var history = await host.Client.GetAccountHistoryAsync(bob, Ct);
        var entry = Assert.Single(history.Items, e => e.Tx == receipt.TxId.ToString());
        Assert.Equal(alice, entry.From);
        Assert.Equal(receipt.Height, entry.Height);

        var tx = await host.Client.GetTransactionAsync(receipt.TxId.ToString(), Ct);
        Assert.True(receipt.TxId.Verifies(tx.Data));
        Assert.Equal(await host.Ledger.GetTransactionBytesAsync(receipt.TxId, Ct), tx.Data);

        Assert.Empty((await host.Client.ListOffersAsync(Ct)).Items);
        var noDeal = await Assert.ThrowsAsync<CairnException>(() => host.Client.GetDealAsync("d-none", Ct));
        Assert.Equal(ErrorCode.NotFound, noDeal.Code);
        var notDid = await Assert.ThrowsAsync<CairnException>(() => host.Client.GetBalanceAsync("alice", Ct));
        Assert.Equal(ErrorCode.InvalidArgument, notDid.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task DealAndOffer_OnTheLedger_ShowInTheLedgerViewsAndTheJob()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        string alice = host.Alice.Did.Text, bob = host.Bob.Did.Text, orchestrator = host.Producer.Did.Text;
        var offer = new Offer(bob, "small", new ResourceAmounts(1000, 1L << 30, 1L << 30, 0), ["wasm"], new UsagePrices(5, 1, 0), 500, "eu", new Dictionary<string, string> { ["tier"] = "gold" }, true);
        await host.Ledger.SubmitAsync(TransactionCodec.Sign(MarketTransactions.PublishOffer(offer, 0), host.Ledger.Chain, host.Bob), Ct);
        await host.Ledger.SubmitAsync(TransactionCodec.Sign(MarketTransactions.Approve(alice, 0, orchestrator, 4000), host.Ledger.Chain, host.Alice), Ct);
        var deadline = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 600_000;
        await host.Ledger.SubmitAsync(TransactionCodec.Sign(MarketTransactions.OpenDeal(orchestrator, 0, "d-api", alice, bob, "small", "j", "e", 3000, 500, deadline), host.Ledger.Chain, host.Producer), Ct);

        var listed = Assert.Single((await host.Client.ListOffersAsync(Ct)).Items);
        Assert.Equal(offer with { Labels = listed.Labels, Engines = listed.Engines }, listed);
        Assert.Equal("gold", listed.Labels["tier"]);
        var deal = await host.Client.GetDealAsync("d-api", Ct);
        Assert.Equal((alice, bob, "small", 3000L, 500L, DealStatus.Open), (deal.Client, deal.Provider, deal.OfferID, deal.Budget, deal.Collateral, deal.Status));

        // An execution whose usage report names the deal shows it in the job's description.
        var put = await host.Client.SubmitJobAsync("Name: paid\nMeta: {deal: d-api}\nTasks:\n  - Engine: {Type: noop}\n", cancellationToken: Ct);
        var done = await host.Client.WaitForJobAsync(put.JobID, null, TimeSpan.FromMilliseconds(20), Ct);
        Assert.Equal("d-api", Assert.Single(done.Executions).DealID);
        Assert.Equal(deal, Assert.Single(done.Deals));
    }
}
