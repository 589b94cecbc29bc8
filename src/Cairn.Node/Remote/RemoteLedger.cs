using System.Runtime.CompilerServices;
using Cairn.ApiModels;
using Cairn.Client;
using Cairn.Ledger.Chain;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Node.Remote;

/// <summary>
/// The orchestrator's ledger as a node on another machine sees it: <see cref="ILedger"/> over the
/// node API. Transactions are signed here (the key never leaves) and sent as bytes to
/// <c>POST /api/v1/ledger/transactions</c>; queries read the API's views. A compute-only node runs a
/// <see cref="Ledger.Market.LedgerMarket"/> over it to publish its offer where the deals are made.
/// </summary>
public sealed class RemoteLedger : ILedger
{
    private readonly CairnClient _client;
    private readonly Uri _url;

    private RemoteLedger(CairnClient client, Uri url, Cid chain)
    {
        _client = client;
        _url = url;
        Chain = chain;
    }

    /// <inheritdoc />
    public Cid Chain { get; }

    /// <summary>Connects to the ledger of the node at <paramref name="url"/> through <paramref name="client"/> (reads its chain id).</summary>
    public static async Task<RemoteLedger> ConnectAsync(CairnClient client, Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(url);
        var head = await client.GetLedgerHeadAsync(cancellationToken).ConfigureAwait(false);
        var chain = head.Chain is { } text && Cid.TryParse(text, out var cid)
            ? cid
            : throw new CairnException(ErrorCode.ServiceUnavailable, $"The node at {url} did not say which chain its ledger is.");
        return new RemoteLedger(client, url, chain);
    }

    /// <inheritdoc />
    public ValueTask<TxReceipt> SubmitAsync(SignedTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return SubmitEncodedAsync(TransactionCodec.Encode(transaction), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<TxReceipt> SubmitEncodedAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var receipt = await _client.SubmitTransactionAsync(data, cancellationToken).ConfigureAwait(false);
        return new TxReceipt(Cid.Parse(receipt.Tx), receipt.Height, Cid.Parse(receipt.Block));
    }

    /// <inheritdoc />
    public async ValueTask<LedgerHead> GetHeadAsync(CancellationToken cancellationToken)
    {
        var head = await _client.GetLedgerHeadAsync(cancellationToken).ConfigureAwait(false);
        return new LedgerHead(head.Height, Cid.Parse(head.Block), Convert.FromHexString(head.StateRoot), head.Time);
    }

    /// <inheritdoc />
    public async ValueTask<long> GetBalanceAsync(string account, CancellationToken cancellationToken) =>
        (await _client.GetBalanceAsync(account, cancellationToken).ConfigureAwait(false)).Balance;

    /// <inheritdoc />
    public async ValueTask<long> GetNextNonceAsync(string account, CancellationToken cancellationToken) =>
        (await _client.GetBalanceAsync(account, cancellationToken).ConfigureAwait(false)).NextNonce;

    /// <inheritdoc />
    public async ValueTask<Offer?> GetOfferAsync(string provider, string offerId, CancellationToken cancellationToken)
    {
        await foreach (var offer in ListOffersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (offer.Provider == provider && offer.Id == offerId)
            {
                return offer;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Offer> ListOffersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var offer in (await _client.ListOffersAsync(cancellationToken).ConfigureAwait(false)).Items)
        {
            yield return offer;
        }
    }

    /// <inheritdoc />
    public async ValueTask<Deal?> GetDealAsync(string dealId, CancellationToken cancellationToken)
    {
        DealView view;
        try
        {
            view = await _client.GetDealAsync(dealId, cancellationToken).ConfigureAwait(false);
        }
        catch (CairnException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }

        return new Deal(
            view.ID, view.Client, view.Provider, view.Orchestrator, view.OfferID, view.Job, view.Execution, view.Prices, view.Budget,
            view.Subscription, view.FromSubscription, view.Collateral, view.Deadline, view.Status, view.Paid, view.ProtocolFee);
    }

    /// <inheritdoc />
    public ValueTask<Subscription?> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        throw Unsupported("subscriptions");

    /// <inheritdoc />
    public async IAsyncEnumerable<LedgerEvent> HistoryAsync(string account, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var e in (await _client.GetAccountHistoryAsync(account, cancellationToken).ConfigureAwait(false)).Items)
        {
            yield return new LedgerEvent(e.Height, e.Index, Cid.Parse(e.Block), Cid.Parse(e.Tx), e.Type, e.From, e.Time);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<LedgerEvent> WatchAsync(long fromHeight, CancellationToken cancellationToken) =>
        throw Unsupported("the event stream");

    /// <inheritdoc />
    public async ValueTask<byte[]?> GetTransactionBytesAsync(Cid transactionId, CancellationToken cancellationToken)
    {
        try
        {
            return (await _client.GetTransactionAsync(transactionId.ToString(), cancellationToken).ConfigureAwait(false)).Data;
        }
        catch (CairnException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
    }

    private CairnException Unsupported(string what) =>
        new(ErrorCode.Unsupported, $"The node API at {_url} does not serve {what} of its ledger yet.");
}
