using Cairn.Multiformats;

namespace Cairn.Market;

/// <summary>
/// The market's ledger as the rest of Cairn sees it: submit signed transactions, read accounts,
/// offers, deals and subscriptions, follow committed events. The embedded backend (Cairn.Ledger,
/// SQLite) implements it today; an EVM backend (FEVM / IPC) will implement the same contract.
/// </summary>
/// <remarks>
/// The namespace is <c>Cairn.Market</c>, not <c>Cairn.Ledger</c>: the latter is the embedded
/// backend's project namespace, and a type namespace equal to another assembly's root namespace
/// makes <c>Cairn.Ledger.X</c> ambiguous for every consumer that references both.
/// </remarks>
public interface ILedger
{
    /// <summary>
    /// The chain's identity (the embedded ledger's genesis block CID). Every transaction names it in
    /// its signed <see cref="TransactionBody.Chain"/>, and a ledger rejects transactions for another chain.
    /// </summary>
    Cid Chain { get; }

    /// <summary>
    /// Validates and appends a transaction; completes once the block holding it is durable.
    /// A transaction that breaks a rule fails with <see cref="ErrorCode.Conflict"/> (nonce, state)
    /// or <see cref="ErrorCode.InvalidInput"/> (malformed, bad signature) and changes nothing.
    /// </summary>
    ValueTask<TxReceipt> SubmitAsync(SignedTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="SubmitAsync"/> for a transaction in its signed DAG-CBOR wire form, as a client on
    /// another machine sends it; bytes that do not decode fail with <see cref="ErrorCode.InvalidInput"/>.
    /// </summary>
    ValueTask<TxReceipt> SubmitEncodedAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>The last durable block.</summary>
    ValueTask<LedgerHead> GetHeadAsync(CancellationToken cancellationToken);

    /// <summary>The spendable balance of an account (0 for an unknown account).</summary>
    ValueTask<long> GetBalanceAsync(string account, CancellationToken cancellationToken);

    /// <summary>The nonce the account's next transaction must carry.</summary>
    ValueTask<long> GetNextNonceAsync(string account, CancellationToken cancellationToken);

    /// <summary>An offer by provider and offer id, or null.</summary>
    ValueTask<Offer?> GetOfferAsync(string provider, string offerId, CancellationToken cancellationToken);

    /// <summary>The active offers.</summary>
    IAsyncEnumerable<Offer> ListOffersAsync(CancellationToken cancellationToken);

    /// <summary>A deal by id, or null.</summary>
    ValueTask<Deal?> GetDealAsync(string dealId, CancellationToken cancellationToken);

    /// <summary>A subscription by id, or null.</summary>
    ValueTask<Subscription?> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>The committed transactions an account sent or was named in, oldest first.</summary>
    IAsyncEnumerable<LedgerEvent> HistoryAsync(string account, CancellationToken cancellationToken);

    /// <summary>Committed transactions from a height on, then new ones as blocks become durable.</summary>
    IAsyncEnumerable<LedgerEvent> WatchAsync(long fromHeight, CancellationToken cancellationToken);

    /// <summary>A committed transaction's bytes (DAG-CBOR) by CID, or null.</summary>
    ValueTask<byte[]?> GetTransactionBytesAsync(Cid transactionId, CancellationToken cancellationToken);
}
