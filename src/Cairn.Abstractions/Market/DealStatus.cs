namespace Cairn.Market;

/// <summary>Where a deal is in its life.</summary>
public enum DealStatus
{
    /// <summary>Escrow and collateral are locked.</summary>
    Open,

    /// <summary>Paid for metered usage; rest refunded; collateral returned.</summary>
    Settled,

    /// <summary>Closed by the orchestrator without a result: full refund.</summary>
    Failed,

    /// <summary>Reclaimed by the client after its deadline: full refund.</summary>
    Cancelled,

    /// <summary>Result proven wrong: refund plus the provider's collateral to client and verifier.</summary>
    Slashed,
}
