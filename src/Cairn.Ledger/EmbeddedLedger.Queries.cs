using System.Runtime.CompilerServices;
using Cairn.Ledger.Storage;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger;

/// <summary>Queries. State reads see every accepted transaction, including those of the block being built.</summary>
public sealed partial class EmbeddedLedger
{
    /// <inheritdoc/>
    public ValueTask<LedgerHead> GetHeadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_head);

    /// <inheritdoc/>
    public ValueTask<long> GetBalanceAsync(string account, CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            return ValueTask.FromResult(_state.Account(account).Balance);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> GetNextNonceAsync(string account, CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            return ValueTask.FromResult(_state.Account(account).Nonce);
        }
    }

    /// <summary>How much <paramref name="owner"/> lets <paramref name="spender"/> lock in deals.</summary>
    public long GetAllowance(string owner, string spender)
    {
        lock (_stateLock)
        {
            return _state.Allowance(owner, spender);
        }
    }

    /// <summary>Minted supply, escrow and collateral totals.</summary>
    public (long Minted, long Escrow, long Collateral) GetTotals()
    {
        lock (_stateLock)
        {
            var t = _state.Totals;
            return (t.Minted, t.Escrow, t.Collateral);
        }
    }

    /// <summary>Checks the supply invariants over the whole state (for tests and diagnostics).</summary>
    public string? CheckInvariants()
    {
        lock (_stateLock)
        {
            return _state.CheckInvariants();
        }
    }

    /// <inheritdoc/>
    public ValueTask<Offer?> GetOfferAsync(string provider, string offerId, CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            return ValueTask.FromResult(_state.Offer(provider, offerId));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<Offer> ListOffersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<Offer> offers;
        lock (_stateLock)
        {
            offers = _state.Entries.Select(e => e.Value).OfType<Offer>().Where(o => o.Active).ToList();
        }

        foreach (var o in offers.OrderBy(o => o.Provider, StringComparer.Ordinal).ThenBy(o => o.Id, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return o;
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<Deal?> GetDealAsync(string dealId, CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            return ValueTask.FromResult(_state.Deal(dealId));
        }
    }

    /// <inheritdoc/>
    public ValueTask<Subscription?> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            return ValueTask.FromResult(_state.Subscription(subscriptionId));
        }
    }

    /// <inheritdoc/>
    public ValueTask<byte[]?> GetTransactionBytesAsync(Cid transactionId, CancellationToken cancellationToken)
    {
        lock (_storeLock)
        {
            return ValueTask.FromResult(_store.TransactionByCid(transactionId)?.Data);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<LedgerEvent> HistoryAsync(string account, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<LedgerEvent> events;
        lock (_storeLock)
        {
            events = LedgerQueries.History(_store, account, int.MaxValue);
        }

        foreach (var e in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<LedgerEvent> WatchAsync(long fromHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = fromHeight;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Take the signal before reading the head, so a block sealed in between still wakes us.
            var signal = _nextBlock.Task;
            var headHeight = _head.Height;
            List<LedgerEvent> events;
            lock (_storeLock)
            {
                events = LedgerQueries.Events(_store, next, headHeight);
            }

            foreach (var e in events)
            {
                yield return e;
            }

            next = Math.Max(next, headHeight + 1);
            if (_head.Height >= next)
            {
                continue;
            }

            await signal.WaitAsync(cancellationToken);
        }
    }
}
