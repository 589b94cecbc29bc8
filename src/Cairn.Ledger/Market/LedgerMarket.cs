using System.Runtime.CompilerServices;
using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Market;

/// <summary>
/// <see cref="IMarket"/> over any <see cref="ILedger"/>: one identity's key, its transactions built
/// with <see cref="MarketTransactions"/> and its nonce counted here so that many calls can be in
/// flight at once (the embedded ledger packs them into one block; waiting for each block before
/// sending the next transaction would cap an orchestrator at one deal per block).
/// </summary>
/// <remarks>
/// <para>
/// Nonces: a call takes the next local nonce and enqueues its transaction under one async lock, so
/// transactions reach the ledger in nonce order. When a transaction is rejected, every later one of
/// the same account is rejected too (its nonce no longer follows). The first rejection seen in an
/// "epoch" resyncs: it reads the ledger's next nonce (stable then, since everything queued after
/// the rejected transaction fails), records it as the epoch's end and starts a new epoch from it.
/// A rejected transaction whose nonce lies past its epoch's end failed only because of that gap,
/// so it is signed again with a fresh nonce and retried.
/// </para>
/// <para>
/// Idempotency: every operation first looks at the ledger state, so a caller that crashed after
/// the transaction committed gets the existing deal (with <see cref="MarketTx.Height"/> -1) rather
/// than a second deal or a rejection.
/// </para>
/// </remarks>
public sealed class LedgerMarket : IMarket, IDisposable
{
    private const int MaxGapRetries = 64;
    private const int MaxEpochsKept = 1024;

    // How long to wait for the block holding a transaction whose effect the state already shows.
    private static readonly TimeSpan PendingTransactionWait = TimeSpan.FromSeconds(10);
    private readonly ILedger _ledger;
    private readonly LedgerKey _key;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _submitLock = new(1, 1);
    private readonly Dictionary<long, long> _epochEnds = [];
    private long _nextNonce = -1;
    private long _epoch;

    /// <summary>Creates a market acting as <paramref name="key"/>'s identity on <paramref name="ledger"/>.</summary>
    public LedgerMarket(ILedger ledger, LedgerKey key, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        _ledger = ledger;
        _key = key;
        _time = time;
    }

    /// <inheritdoc/>
    public string Account => _key.Did.Text;

    /// <summary>The ledger this market submits to.</summary>
    public ILedger Ledger => _ledger;

    /// <inheritdoc/>
    public async ValueTask<MarketTx> PublishOfferAsync(Offer offer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (offer.Provider != Account)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"The offer is for provider {offer.Provider}, but this market acts as {Account}.");
        }

        var existing = await _ledger.GetOfferAsync(offer.Provider, offer.Id, cancellationToken);
        var update = existing is { Active: true };
        if (update && SameTerms(existing!, offer))
        {
            return new MarketTx(string.Empty, -1);
        }

        var receipt = await SubmitAsync(n => MarketTransactions.PublishOffer(offer, n, update), cancellationToken);
        return ToMarketTx(receipt);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Offer>> GetOffersAsync(string provider, CancellationToken cancellationToken)
    {
        var offers = new List<Offer>();
        await foreach (var o in _ledger.ListOffersAsync(cancellationToken))
        {
            if (o.Provider == provider && o.Active)
            {
                offers.Add(o);
            }
        }

        return offers;
    }

    /// <inheritdoc/>
    public async ValueTask<DealOpened> OpenDealAsync(DealRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await _ledger.GetDealAsync(request.DealId, cancellationToken) is { } found)
        {
            return await ExistingOpenedAsync(found, request, cancellationToken);
        }

        var offer = await _ledger.GetOfferAsync(request.Provider, request.OfferId, cancellationToken);
        if (offer is not { Active: true })
        {
            throw new CairnException(ErrorCode.Conflict, $"The provider {request.Provider} has no active offer '{request.OfferId}' on the ledger; deal '{request.DealId}' cannot be opened.")
            {
                Hint = "The compute node publishes its offer when it starts; check `cairn ledger` for offer.publish.",
            };
        }

        if (request.Deadline <= _time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"Deal '{request.DealId}': the deadline {request.Deadline} is not in the future.");
        }

        TxReceipt receipt;
        try
        {
            receipt = await SubmitAsync(
                n => MarketTransactions.OpenDeal(Account, n, request.DealId, request.Client, request.Provider, request.OfferId, request.Job, request.Execution, request.Budget, offer.MinCollateral, request.Deadline),
                cancellationToken);
        }
        catch (CairnException)
        {
            // Another call may have opened it meanwhile (same id): that one stands.
            if (await _ledger.GetDealAsync(request.DealId, cancellationToken) is { } raced)
            {
                return await ExistingOpenedAsync(raced, request, cancellationToken);
            }

            throw;
        }

        // The terms as the ledger fixed them (an offer.update may have landed just before the open).
        var opened = await RequireDealAsync(request.DealId, cancellationToken);
        return new DealOpened(request.DealId, ToMarketTx(receipt), opened.Prices, opened.Budget, opened.Collateral);
    }

    /// <inheritdoc/>
    public async ValueTask<DealClosed> SettleDealAsync(SignedUsageReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var deal = await RequireDealAsync(report.DealId, cancellationToken);
        if (deal.Status != DealStatus.Open)
        {
            return await ExistingClosedAsync(deal, cancellationToken);
        }

        var results = new List<Cid>(report.Results.Count);
        foreach (var r in report.Results)
        {
            results.Add(Cid.TryParse(r, out var cid)
                ? cid
                : throw new CairnException(ErrorCode.InvalidInput, $"The usage report for deal '{report.DealId}' names '{r}' as a result, which is not a CID."));
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(report.Signature);
        }
        catch (FormatException e)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The usage report signature for deal '{report.DealId}' is not base64.", e);
        }

        return await CloseAsync(report.DealId, n => MarketTransactions.SettleDeal(Account, n, report.DealId, report.Usage, results, signature), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<DealClosed> FailDealAsync(string dealId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var deal = await RequireDealAsync(dealId, cancellationToken);
        if (deal.Status != DealStatus.Open)
        {
            return await ExistingClosedAsync(deal, cancellationToken);
        }

        return await CloseAsync(dealId, n => MarketTransactions.FailDeal(Account, n, dealId, reason), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<Deal?> GetDealAsync(string dealId, CancellationToken cancellationToken) => _ledger.GetDealAsync(dealId, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _submitLock.Dispose();

    /// <summary>The amounts of a closed deal, as the ledger state has them.</summary>
    public static DealClosed Closed(Deal deal, MarketTx transaction)
    {
        ArgumentNullException.ThrowIfNull(deal);
        var refunded = deal.Status == DealStatus.Settled ? deal.Budget - deal.Paid - deal.ProtocolFee : deal.Budget;
        return new DealClosed(deal.Id, deal.Status, transaction, deal.Paid, deal.ProtocolFee, refunded);
    }

    private async ValueTask<DealClosed> CloseAsync(string dealId, Func<long, TransactionBody> build, CancellationToken cancellationToken)
    {
        TxReceipt receipt;
        try
        {
            receipt = await SubmitAsync(build, cancellationToken);
        }
        catch (CairnException)
        {
            // Closed by another call meanwhile (or by the client's cancel): that outcome stands.
            if (await _ledger.GetDealAsync(dealId, cancellationToken) is { Status: not DealStatus.Open } raced)
            {
                return await ExistingClosedAsync(raced, cancellationToken);
            }

            throw;
        }

        var deal = await RequireDealAsync(dealId, cancellationToken);
        return Closed(deal, ToMarketTx(receipt));
    }

    private async ValueTask<Deal> RequireDealAsync(string dealId, CancellationToken cancellationToken) =>
        await _ledger.GetDealAsync(dealId, cancellationToken)
        ?? throw new CairnException(ErrorCode.NotFound, $"There is no deal '{dealId}' on the ledger.");

    private async ValueTask<DealOpened> ExistingOpenedAsync(Deal deal, DealRequest request, CancellationToken cancellationToken)
    {
        if (deal.Client != request.Client || deal.Provider != request.Provider || deal.Execution != request.Execution || deal.Orchestrator != Account)
        {
            throw new CairnException(ErrorCode.Conflict, $"Deal '{deal.Id}' exists already for another client, provider, execution or orchestrator.");
        }

        var tx = await FindTransactionAsync(deal.Orchestrator, deal.Id, TxTypes.DealOpen, cancellationToken);
        return new DealOpened(deal.Id, tx, deal.Prices, deal.Budget, deal.Collateral);
    }

    private async ValueTask<DealClosed> ExistingClosedAsync(Deal deal, CancellationToken cancellationToken)
    {
        var type = deal.Status switch
        {
            DealStatus.Settled => TxTypes.DealSettle,
            DealStatus.Failed => TxTypes.DealFail,
            DealStatus.Cancelled => TxTypes.DealCancel,
            _ => TxTypes.DealSlash,
        };
        var tx = await FindTransactionAsync(type == TxTypes.DealCancel ? deal.Client : deal.Orchestrator, deal.Id, type, cancellationToken);
        return Closed(deal, tx);
    }

    /// <summary>
    /// The transaction of a type about a deal, sent by <paramref name="sender"/>: looked up in the
    /// sender's history (the rare path: a call repeated after a crash, or one that lost a race), or
    /// awaited in the next blocks when the state shows its effect but its block is still being made
    /// durable. An empty CID when it does not turn up.
    /// </summary>
    private async ValueTask<MarketTx> FindTransactionAsync(string sender, string dealId, string type, CancellationToken cancellationToken)
    {
        var head = (await _ledger.GetHeadAsync(cancellationToken)).Height;
        var candidates = new List<LedgerEvent>();
        await foreach (var e in _ledger.HistoryAsync(sender, cancellationToken))
        {
            if (e.Type == type && e.From == sender)
            {
                candidates.Add(e);
            }
        }

        // Newest first: the deal was most likely touched recently.
        for (var i = candidates.Count - 1; i >= 0; i--)
        {
            if (await IsAboutAsync(candidates[i], dealId, cancellationToken))
            {
                return new MarketTx(candidates[i].Tx.ToString(), -1);
            }
        }

        using var patience = new CancellationTokenSource(PendingTransactionWait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, patience.Token);
        try
        {
            await foreach (var e in _ledger.WatchAsync(head + 1, linked.Token))
            {
                if (e.Type == type && e.From == sender && await IsAboutAsync(e, dealId, cancellationToken))
                {
                    return new MarketTx(e.Tx.ToString(), -1);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not durable in time (or never: the ledger stopped); the deal's state still stands.
        }

        return new MarketTx(string.Empty, -1);
    }

    private async ValueTask<bool> IsAboutAsync(LedgerEvent e, string dealId, CancellationToken cancellationToken)
    {
        if (await _ledger.GetTransactionBytesAsync(e.Tx, cancellationToken) is not { } data)
        {
            return false;
        }

        var tx = TransactionCodec.Decode(data, out _);
        return tx.Body.Payload.TryGetValue("id", out var id) && id as string == dealId;
    }

    /// <summary>
    /// Signs and submits with the next nonce; signs again with a fresh nonce when the rejection was only
    /// a nonce gap. Once is not enough when rejections are dense (a retry can fall behind another
    /// call's rejection in the new epoch), but every retry is caused by a distinct rejected
    /// transaction, so the loop ends; the cap only guards against a ledger that breaks FIFO order.
    /// </summary>
    private async ValueTask<TxReceipt> SubmitAsync(Func<long, TransactionBody> build, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (pending, epoch, nonce) = await EnqueueAsync(build, cancellationToken);
            if (epoch < 0)
            {
                // Refused before it was queued: no nonce was used, nothing to resync.
                return await pending;
            }

            try
            {
                return await pending;
            }
            catch (CairnException e) when (e.Code is ErrorCode.Conflict or ErrorCode.InvalidInput)
            {
                var gap = await ResyncAsync(epoch, nonce, cancellationToken);
                if (!gap || attempt >= MaxGapRetries)
                {
                    throw;
                }
            }
        }
    }

    private async ValueTask<(Task<TxReceipt> Pending, long Epoch, long Nonce)> EnqueueAsync(Func<long, TransactionBody> build, CancellationToken cancellationToken)
    {
        await _submitLock.WaitAsync(cancellationToken);
        try
        {
            if (_nextNonce < 0)
            {
                _nextNonce = await _ledger.GetNextNonceAsync(Account, cancellationToken);
            }

            var nonce = _nextNonce;
            var signed = Sign(build(nonce));

            // Not awaited under the lock: the embedded ledger queues synchronously inside this call,
            // so queue order is nonce order while the commits are awaited concurrently.
            var pending = _ledger.SubmitAsync(signed, CancellationToken.None).AsTask();
            if (pending.IsFaulted && pending.Exception?.InnerException is CairnException { Code: not ErrorCode.Conflict })
            {
                // Refused before it was queued (size, signature, closed): its nonce is still free. A
                // Conflict can also arrive this early, from a block builder fast enough to reject the
                // transaction before the call returned: that one was queued.
                return (pending, -1, nonce);
            }

            _nextNonce = nonce + 1;
            return (pending.WaitAsync(cancellationToken), _epoch, nonce);
        }
        finally
        {
            _submitLock.Release();
        }
    }

    /// <summary>Starts a new nonce epoch after the first rejection of one; true when the rejected nonce was past the epoch's end (a gap).</summary>
    private async ValueTask<bool> ResyncAsync(long epoch, long nonce, CancellationToken cancellationToken)
    {
        await _submitLock.WaitAsync(cancellationToken);
        try
        {
            if (epoch == _epoch)
            {
                var next = await _ledger.GetNextNonceAsync(Account, cancellationToken);
                _epochEnds[epoch] = next;
                _nextNonce = next;
                _epoch++;
                if (_epochEnds.Count > MaxEpochsKept)
                {
                    // Calls live for a block or two; an epoch this old has no call left waiting on it.
                    foreach (var old in _epochEnds.Keys.Where(k => k < _epoch - MaxEpochsKept).ToList())
                    {
                        _epochEnds.Remove(old);
                    }
                }
            }

            // An epoch forgotten above can only be a very late call's: retrying it is the safe side.
            return !_epochEnds.TryGetValue(epoch, out var end) || nonce > end;
        }
        finally
        {
            _submitLock.Release();
        }
    }

    private SignedTransaction Sign(TransactionBody body) => TransactionCodec.Sign(body, _ledger.Chain, _key);

    private static MarketTx ToMarketTx(TxReceipt receipt) => new(receipt.TxId.ToString(), receipt.Height);

    private static bool SameTerms(Offer a, Offer b) =>
        a.Resources == b.Resources
        && a.Prices == b.Prices
        && a.MinCollateral == b.MinCollateral
        && a.Region == b.Region
        && a.Engines.SequenceEqual(b.Engines, StringComparer.Ordinal)
        && a.Labels.Count == b.Labels.Count
        && a.Labels.All(kv => b.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
