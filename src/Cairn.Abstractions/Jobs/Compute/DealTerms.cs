using Cairn.Market;

namespace Cairn.Jobs.Compute;

/// <summary>The deal an accepted execution runs under: the node signs its usage report for it and meters within its budget.</summary>
/// <param name="DealId">The deal id on the ledger.</param>
/// <param name="Budget">The escrowed budget.</param>
/// <param name="Prices">The agreed prices.</param>
public sealed record DealTerms(string DealId, long Budget, UsagePrices Prices)
{
    /// <summary>The most fuel the budget pays for at the agreed price (null when fuel is free).</summary>
    public long? FuelLimit => Prices.PerMegaFuel <= 0 ? null : (long)Math.Min((decimal)long.MaxValue, (decimal)Budget * 1_000_000m / Prices.PerMegaFuel);
}
