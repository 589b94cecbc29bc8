using Cairn.Ledger.Chain;
using Cairn.Market;
using static Cairn.Ledger.Tests.Parties;

namespace Cairn.Ledger.Tests.Chain;

public sealed class EmbeddedLedgerTests : IDisposable
{
    private readonly Parties _p = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _p.Dispose();
        _dir.Dispose();
    }

    private string DbPath => _dir.Combine("ledger.db");

    private EmbeddedLedger Open() => _p.Open(DbPath);

    [Fact(Timeout = 60_000)]
    public async Task Submit_Transfers_CommittedInBlocksAndVerifiable()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await using (var ledger = Open())
        {
            var receipts = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
                ledger.SubmitAsync(_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 10L))), cts.Token).AsTask()));
            Assert.All(receipts, r => Assert.True(r.Height >= 1));
            Assert.Equal(500, await ledger.GetBalanceAsync(_p.Bob.Did.Text, cts.Token));
            Assert.Equal(50, await ledger.GetNextNonceAsync(_p.Alice.Did.Text, cts.Token));
            var bytes = await ledger.GetTransactionBytesAsync(receipts[7].TxId, cts.Token);
            Assert.NotNull(bytes);
            Assert.Equal(receipts[7].TxId, TransactionCodec.IdOf(bytes));
            var history = new List<LedgerEvent>();
            await foreach (var e in ledger.HistoryAsync(_p.Bob.Did.Text, cts.Token))
            {
                history.Add(e);
            }

            Assert.Equal(50, history.Count);
            Assert.Null(ledger.CheckInvariants());
        }

        var report = EmbeddedLedger.Verify(DbPath, cts.Token);
        Assert.True(report.Ok, report.Reason);
        Assert.Equal(50, report.Transactions);
    }

    [Fact(Timeout = 60_000)]
    public async Task Submit_RuleBreach_FailsThatTransactionOnly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await using var ledger = Open();
        var bad = _p.SignTx(_p.Bob, TxTypes.Transfer, P(("to", _p.Alice.Did.Text), ("amount", 1L)));
        var good = _p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 1L)));
        var badTask = ledger.SubmitAsync(bad, cts.Token).AsTask();
        var goodTask = ledger.SubmitAsync(good, cts.Token).AsTask();
        var e = await Assert.ThrowsAsync<Cairn.Ledger.State.RuleViolation>(() => badTask);
        Assert.Contains("less than", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await goodTask).Height);
    }

    [Fact(Timeout = 60_000)]
    public async Task Submit_TransactionSignedForAnotherChain_IsRejected()
    {
        // Two chains from the very same genesis configuration, producer and accounts: a transfer
        // Alice signed for one must not move her money on the other.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await using var first = Open();
        var forFirst = _p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 7L)));
        await first.SubmitAsync(forFirst, cts.Token);
        await using var second = EmbeddedLedger.Open(_dir.Combine("second.db"), _p.Producer, _p.Genesis);
        Assert.NotEqual(first.Chain, second.Chain);
        var e = await Assert.ThrowsAsync<CairnException>(() => second.SubmitAsync(forFirst, cts.Token).AsTask());
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains($"for chain {first.Chain} on chain {second.Chain}", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Hint);
        var wire = await Assert.ThrowsAsync<CairnException>(() => second.SubmitEncodedAsync(TransactionCodec.Encode(forFirst), cts.Token).AsTask());
        Assert.Equal(ErrorCode.InvalidInput, wire.Code);
        Assert.Equal(0, await second.GetBalanceAsync(_p.Bob.Did.Text, cts.Token));
        Assert.Equal(0, await second.GetNextNonceAsync(_p.Alice.Did.Text, cts.Token));

        // Signed for the second chain, the same transfer is fine there.
        var forSecond = second.Sign(forFirst.Body with { Chain = null }, _p.Alice);
        Assert.Equal(1, (await second.SubmitAsync(forSecond, cts.Token)).Height);
        Assert.Equal(7, await second.GetBalanceAsync(_p.Bob.Did.Text, cts.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task Submit_ForgedOrHighSSignature_IsRejectedBeforeTheRules()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await using var ledger = Open();
        var tx = _p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 1L)));
        var highS = tx with { Signature = Cairn.Ledger.Identity.P256.Twin(tx.Signature.Span) };
        var e = await Assert.ThrowsAsync<CairnException>(() => ledger.SubmitAsync(highS, cts.Token).AsTask());
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        var forged = tx with { Body = tx.Body with { Payload = P(("to", _p.Bob.Did.Text), ("amount", 99L)) } };
        await Assert.ThrowsAsync<CairnException>(() => ledger.SubmitAsync(forged, cts.Token).AsTask());
        Assert.Equal(0, await ledger.GetNextNonceAsync(_p.Alice.Did.Text, cts.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task Reopen_AfterCommits_ResumesAtTheLastBlockWithTheSameState()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        LedgerHead head;
        await using (var ledger = Open())
        {
            await ledger.SubmitAsync(_p.SignTx(_p.Provider, TxTypes.OfferPublish, OfferPayload()), cts.Token);
            await ledger.SubmitAsync(_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 42L))), cts.Token);
            head = await ledger.GetHeadAsync(cts.Token);
        }

        await using (var again = EmbeddedLedger.Open(DbPath, _p.Producer))
        {
            var reopened = await again.GetHeadAsync(cts.Token);
            Assert.Equal(head.Height, reopened.Height);
            Assert.Equal(head.Block, reopened.Block);
            Assert.True(head.StateRoot.Span.SequenceEqual(reopened.StateRoot.Span));
            Assert.Equal(42, await again.GetBalanceAsync(_p.Bob.Did.Text, cts.Token));
            Assert.NotNull(await again.GetOfferAsync(_p.Provider.Did.Text, "wasm-small", cts.Token));
            var r = await again.SubmitAsync(_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 1L))), cts.Token);
            Assert.Equal(head.Height + 1, r.Height);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Open_WithAnotherProducerKey_IsRefused()
    {
        await using (Open())
        {
        }

        using var other = Cairn.Ledger.Identity.LedgerKey.Generate();
        var e = Assert.Throws<CairnException>(void () => EmbeddedLedger.Open(DbPath, other));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Watch_FromZero_SeesCommittedTransactionsThenNewOnes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await using var ledger = Open();
        await ledger.SubmitAsync(_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 1L))), cts.Token);
        var seen = new List<LedgerEvent>();
        var watcher = Task.Run(async () =>
        {
            await foreach (var e in ledger.WatchAsync(0, cts.Token))
            {
                seen.Add(e);
                if (seen.Count == 2)
                {
                    break;
                }
            }
        }, cts.Token);
        await ledger.SubmitAsync(_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 2L))), cts.Token);
        await watcher;
        Assert.Equal([TxTypes.Transfer, TxTypes.Transfer], seen.Select(e => e.Type));
        Assert.True(seen[1].Height > seen[0].Height || seen[1].Index > seen[0].Index);
    }

    [Fact(Timeout = 60_000)]
    public async Task FullMarketLoop_ThroughTheLedger_VerifiesAndConservesSupply()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await using (var ledger = Open())
        {
            await ledger.SubmitAsync(_p.SignTx(_p.Provider, TxTypes.OfferPublish, OfferPayload()), cts.Token);
            await ledger.SubmitAsync(_p.SignTx(_p.Alice, TxTypes.Approve, P(("spender", _p.Orchestrator.Did.Text), ("amount", 10_000L))), cts.Token);
            var deadline = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000;
            await ledger.SubmitAsync(_p.SignTx(_p.Orchestrator, TxTypes.DealOpen, _p.DealPayload("deal-1", deadline: deadline)), cts.Token);
            var usage = new Usage(200_000_000, 0, 0);
            var results = new List<Cairn.Multiformats.Cid> { Cairn.Multiformats.Cid.Compute(1, Cairn.Multiformats.Multicodec.Raw, "result"u8) };
            await ledger.SubmitAsync(_p.SignTx(_p.Orchestrator, TxTypes.DealSettle, P(
                ("id", "deal-1"), ("usage", UsageReports.UsageMap(usage)), ("results", results), ("report", UsageReports.Sign(_p.Provider, "deal-1", usage, results)))), cts.Token);
            var deal = await ledger.GetDealAsync("deal-1", cts.Token);
            Assert.Equal(DealStatus.Settled, deal!.Status);
            Assert.Equal(2000, deal.Paid + deal.ProtocolFee);
            Assert.Null(ledger.CheckInvariants());
        }

        var report = EmbeddedLedger.Verify(DbPath, cts.Token);
        Assert.True(report.Ok, report.Reason);
    }

    [Fact(Timeout = 60_000)]
    public async Task Submit_OversizedTransaction_IsInvalidInput()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await using var ledger = Open();
        var tx = _p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 1L), ("memo", new string('x', 70_000))));
        var e = await Assert.ThrowsAsync<CairnException>(() => ledger.SubmitAsync(tx, cts.Token).AsTask());
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }
}
