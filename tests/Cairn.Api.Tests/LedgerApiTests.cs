using Cairn.Ledger;
using Cairn.Ledger.Chain;

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
        var receipt = await host.Ledger.SubmitAsync(TransactionCodec.Sign(MarketTransactions.Transfer(alice, 0, bob, 1200), host.Alice), Ct);

        var head = await host.Client.GetLedgerHeadAsync(Ct);
        var expected = await host.Ledger.GetHeadAsync(Ct);
        Assert.Equal(expected.Height, head.Height);
        Assert.Equal(expected.Block.ToString(), head.Block);
        Assert.Equal(Convert.ToHexStringLower(expected.StateRoot.Span), head.StateRoot);

        var balance = await host.Client.GetBalanceAsync(alice, Ct);
        Assert.Equal(await host.Ledger.GetBalanceAsync(alice, Ct), balance.Balance);
        Assert.Equal(1, balance.NextNonce);
        Assert.Equal(1200, (await host.Client.GetBalanceAsync(bob, Ct)).Balance);

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
}
