namespace Cairn.Market;

/// <summary>How a deal was closed.</summary>
/// <param name="DealId">The deal id.</param>
/// <param name="Status">Settled, Failed, Cancelled or Slashed.</param>
/// <param name="Transaction">The closing transaction (<c>deal.settle</c>, <c>deal.fail</c>...).</param>
/// <param name="Paid">What the provider received.</param>
/// <param name="ProtocolFee">What went to the treasury.</param>
/// <param name="Refunded">What went back to the client (or its subscription).</param>
public sealed record DealClosed(string DealId, DealStatus Status, MarketTx Transaction, long Paid, long ProtocolFee, long Refunded);
