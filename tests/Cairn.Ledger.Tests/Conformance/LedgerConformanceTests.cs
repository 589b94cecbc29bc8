using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Tests.Conformance;

/// <summary>
/// What every <see cref="ILedger"/> backend must do, through the interface only. The embedded
/// ledger runs it now; the EVM backend will inherit it too.
/// </summary>
public abstract class LedgerConformanceTests : IDisposable
{
    protected LedgerConformanceTests() => Parties = new Parties();

    protected Parties Parties { get; }

    /// <summary>A fresh ledger whose genesis is <see cref="Parties"/>' genesis.</summary>
    protected abstract Task<ILedger> CreateAsync(CancellationToken cancellationToken);

    protected abstract ValueTask ReleaseAsync(ILedger ledger);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Parties.Dispose();
        }
    }

    private static Task<TxReceipt> Submit(ILedger ledger, TransactionBody body, LedgerKey key, CancellationToken ct) =>
        ledger.SubmitAsync(TransactionCodec.Sign(body, ledger.Chain, key), ct).AsTask();

    [Fact(Timeout = 60_000)]
    public async Task Transfer_Committed_BalancesNoncesAndHistoryFollow()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var ledger = await CreateAsync(cts.Token);
        try
        {
            string alice = Parties.Alice.Did.Text, bob = Parties.Bob.Did.Text;
            var receipt = await Submit(ledger, MarketTransactions.Transfer(alice, 0, bob, 250), Parties.Alice, cts.Token);
            Assert.True(receipt.Height >= 1);
            Assert.Equal(250, await ledger.GetBalanceAsync(bob, cts.Token));
            Assert.Equal(99_750, await ledger.GetBalanceAsync(alice, cts.Token));
            Assert.Equal(1, await ledger.GetNextNonceAsync(alice, cts.Token));
            Assert.True((await ledger.GetHeadAsync(cts.Token)).Height >= receipt.Height);
            var bytes = await ledger.GetTransactionBytesAsync(receipt.TxId, cts.Token);
            Assert.Equal(receipt.TxId, TransactionCodec.IdOf(bytes));
            var history = new List<LedgerEvent>();
            await foreach (var e in ledger.HistoryAsync(bob, cts.Token))
            {
                history.Add(e);
            }

            Assert.Equal([receipt.TxId], history.Select(e => e.Tx));
        }
        finally
        {
            await ReleaseAsync(ledger);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task ReplayedNonceOrOverdraft_IsConflict_AndChangesNothing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var ledger = await CreateAsync(cts.Token);
        try
        {
            string alice = Parties.Alice.Did.Text, bob = Parties.Bob.Did.Text;
            await Submit(ledger, MarketTransactions.Transfer(alice, 0, bob, 1), Parties.Alice, cts.Token);
            var replay = await Assert.ThrowsAnyAsync<CairnException>(() => Submit(ledger, MarketTransactions.Transfer(alice, 0, bob, 1), Parties.Alice, cts.Token));
            Assert.Equal(ErrorCode.Conflict, replay.Code);
            var overdraft = await Assert.ThrowsAnyAsync<CairnException>(() => Submit(ledger, MarketTransactions.Transfer(bob, 0, alice, 2), Parties.Bob, cts.Token));
            Assert.Equal(ErrorCode.Conflict, overdraft.Code);
            Assert.Equal(1, await ledger.GetBalanceAsync(bob, cts.Token));
            Assert.Equal(0, await ledger.GetNextNonceAsync(bob, cts.Token));
        }
        finally
        {
            await ReleaseAsync(ledger);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task DealLifeCycle_OpenThenSlash_MovesCollateralToClientAndVerifier()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var ledger = await CreateAsync(cts.Token);
        try
        {
            string alice = Parties.Alice.Did.Text, provider = Parties.Provider.Did.Text, orchestrator = Parties.Orchestrator.Did.Text;
            var offer = new Offer(provider, "o", new ResourceAmounts(1000, 1L << 30, 1L << 30, 0), ["wasm"], new UsagePrices(5, 0, 0), 1000, "", new Dictionary<string, string>(), true);
            await Submit(ledger, MarketTransactions.PublishOffer(offer, 0), Parties.Provider, cts.Token);
            var offers = new List<Offer>();
            await foreach (var o in ledger.ListOffersAsync(cts.Token))
            {
                offers.Add(o);
            }

            Assert.Equal(["o"], offers.Select(o => o.Id));
            await Submit(ledger, MarketTransactions.Approve(alice, 0, orchestrator, 5000), Parties.Alice, cts.Token);
            var deadline = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 600_000;
            await Submit(ledger, MarketTransactions.OpenDeal(orchestrator, 0, "x", alice, provider, "o", "j", "e", 4000, 1000, deadline), Parties.Orchestrator, cts.Token);
            Assert.Equal(96_000, await ledger.GetBalanceAsync(alice, cts.Token));
            await Submit(ledger, MarketTransactions.SlashDeal(orchestrator, 1, "x", Parties.Verifier.Did.Text, Cid.Compute(1, Multicodec.Raw, "proof"u8).ToString()), Parties.Orchestrator, cts.Token);
            Assert.Equal(DealStatus.Slashed, (await ledger.GetDealAsync("x", cts.Token))!.Status);
            Assert.Equal(100_000 + 800, await ledger.GetBalanceAsync(alice, cts.Token));
            Assert.Equal(200, await ledger.GetBalanceAsync(Parties.Verifier.Did.Text, cts.Token));
            Assert.Equal(49_000, await ledger.GetBalanceAsync(provider, cts.Token));
        }
        finally
        {
            await ReleaseAsync(ledger);
        }
    }
}
