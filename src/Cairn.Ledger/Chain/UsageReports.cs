using Cairn.Content.DagCbor;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Chain;

/// <summary>
/// The provider's signed usage report that settles a deal: the provider signs the DAG-CBOR map
/// <c>{deal, usage: {fuel, cpuMillis, gbMillis}, results: [CID...]}</c>, and the orchestrator
/// puts the signature in <c>deal.settle</c>'s <c>report</c> field.
/// </summary>
public static class UsageReports
{
    /// <summary>The bytes a provider signs.</summary>
    public static byte[] SigningBytes(string dealId, Usage usage, IReadOnlyList<Cid> results)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return DagCbor.Encode(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["deal"] = dealId,
            ["usage"] = UsageMap(usage),
            ["results"] = results,
        });
    }

    /// <summary>The provider's signature over a report.</summary>
    public static byte[] Sign(LedgerKey provider, string dealId, Usage usage, IReadOnlyList<Cid> results)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.Sign(SigningBytes(dealId, usage, results));
    }

    /// <summary>The usage as the payload map of <c>deal.settle</c>.</summary>
    public static Dictionary<string, object?> UsageMap(Usage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new(StringComparer.Ordinal)
        {
            ["fuel"] = usage.Fuel,
            ["cpuMillis"] = usage.CpuMillis,
            ["gbMillis"] = usage.GbMillis,
        };
    }
}
