namespace Cairn.Market;

/// <summary>
/// The market as one participant acts in it: an implementation holds one identity's key, builds and
/// signs that identity's transactions, keeps its nonces and submits to a ledger (the embedded
/// ledger today, an EVM chain later). The orchestrator uses one with the orchestrator's key to open
/// and close deals; a compute node uses one with the node's key to publish its offer. Every
/// operation is idempotent by id, so a caller that crashed midway simply calls again.
/// </summary>
public interface IMarket
{
    /// <summary>The did:key this market acts as.</summary>
    string Account { get; }

    /// <summary>Publishes the offer, or replaces its terms when this provider already has an active offer with that id.</summary>
    ValueTask<MarketTx> PublishOfferAsync(Offer offer, CancellationToken cancellationToken);

    /// <summary>The provider's active offers.</summary>
    ValueTask<IReadOnlyList<Offer>> GetOffersAsync(string provider, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a deal (escrow and collateral locked). When a deal with this id already exists it is
    /// returned as it stands, so a retried call never opens two.
    /// </summary>
    ValueTask<DealOpened> OpenDealAsync(DealRequest request, CancellationToken cancellationToken);

    /// <summary>Settles an open deal with the provider's signed usage report; a deal already closed is returned as it stands.</summary>
    ValueTask<DealClosed> SettleDealAsync(SignedUsageReport report, CancellationToken cancellationToken);

    /// <summary>Closes an open deal as failed with a full refund; a deal already closed is returned as it stands.</summary>
    ValueTask<DealClosed> FailDealAsync(string dealId, string reason, CancellationToken cancellationToken);

    /// <summary>A deal as the ledger has it now, or null.</summary>
    ValueTask<Deal?> GetDealAsync(string dealId, CancellationToken cancellationToken);
}
