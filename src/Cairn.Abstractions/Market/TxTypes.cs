namespace Cairn.Market;

/// <summary>The transaction types of the market (preconditions and effects: docs/ledger.md).</summary>
public static class TxTypes
{
    /// <summary>Treasury creates new units: <c>{to, amount}</c>.</summary>
    public const string Mint = "mint";

    /// <summary>Moves units: <c>{to, amount}</c>.</summary>
    public const string Transfer = "transfer";

    /// <summary>Lets a spender (an orchestrator) lock up to an amount of the sender's balance in deals: <c>{spender, amount}</c>.</summary>
    public const string Approve = "approve";

    /// <summary>A provider publishes an offer.</summary>
    public const string OfferPublish = "offer.publish";

    /// <summary>A provider replaces the terms of its active offer.</summary>
    public const string OfferUpdate = "offer.update";

    /// <summary>A provider withdraws its offer.</summary>
    public const string OfferWithdraw = "offer.withdraw";

    /// <summary>An authorized orchestrator opens a deal: escrow and collateral are locked.</summary>
    public const string DealOpen = "deal.open";

    /// <summary>The deal's orchestrator settles it with the provider's signed usage report.</summary>
    public const string DealSettle = "deal.settle";

    /// <summary>The deal's orchestrator closes it as failed/timed out/cancelled: full refund.</summary>
    public const string DealFail = "deal.fail";

    /// <summary>The client reclaims a deal left open past its deadline.</summary>
    public const string DealCancel = "deal.cancel";

    /// <summary>The deal's orchestrator slashes a provider whose result was proven wrong.</summary>
    public const string DealSlash = "deal.slash";

    /// <summary>A client prepays a quota for a period.</summary>
    public const string SubscriptionCreate = "sub.create";

    /// <summary>A client takes back what is left of an expired subscription.</summary>
    public const string SubscriptionClose = "sub.close";
}
