namespace Cairn.Market;

/// <summary>
/// A provider's signed statement of what one deal's execution used and produced: the input of
/// <c>deal.settle</c>. The signature is ES256 (64 bytes r‖s, low-S) by the provider's key over the
/// DAG-CBOR map <c>{deal, usage: {fuel, cpuMillis, gbMillis}, results: [CID]}</c> (docs/ledger.md).
/// </summary>
/// <param name="DealId">The deal.</param>
/// <param name="Usage">The metered usage.</param>
/// <param name="Results">The result CIDs (text), in the order signed: the receipt's CID first, then the outputs.</param>
/// <param name="Signature">The provider's signature, base64.</param>
public sealed record SignedUsageReport(string DealId, Usage Usage, IReadOnlyList<string> Results, string Signature);
