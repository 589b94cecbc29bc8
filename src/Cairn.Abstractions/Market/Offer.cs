namespace Cairn.Market;

/// <summary>A provider's published offer of compute.</summary>
/// <param name="Provider">The provider node's did:key.</param>
/// <param name="Id">The offer's name, unique per provider.</param>
/// <param name="Resources">What it provides.</param>
/// <param name="Engines">Engines it runs (wasm, docker...).</param>
/// <param name="Prices">Prices per metered unit.</param>
/// <param name="MinCollateral">Collateral the provider stakes per deal, at least.</param>
/// <param name="Region">A region label.</param>
/// <param name="Labels">Free labels.</param>
/// <param name="Active">False once withdrawn.</param>
public sealed record Offer(
    string Provider,
    string Id,
    ResourceAmounts Resources,
    IReadOnlyList<string> Engines,
    UsagePrices Prices,
    long MinCollateral,
    string Region,
    IReadOnlyDictionary<string, string> Labels,
    bool Active);
