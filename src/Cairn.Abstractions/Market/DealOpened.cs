namespace Cairn.Market;

/// <summary>An open deal's terms and the transaction that opened it.</summary>
/// <param name="DealId">The deal id.</param>
/// <param name="Transaction">The <c>deal.open</c> transaction.</param>
/// <param name="Prices">The agreed prices (the offer's at opening).</param>
/// <param name="Budget">The escrowed budget.</param>
/// <param name="Collateral">The provider's locked collateral.</param>
public sealed record DealOpened(string DealId, MarketTx Transaction, UsagePrices Prices, long Budget, long Collateral);
