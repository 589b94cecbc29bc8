using Cairn.Content.DagCbor;
using Cairn.Ledger.Chain;
using Cairn.Market;

namespace Cairn.Ledger.State;

/// <summary>The canonical DAG-CBOR form of each state entry, which the state root hashes.</summary>
internal static class StateCodec
{
    /// <summary>The leaf bytes of an entry: the DAG-CBOR list <c>[key, value]</c>.</summary>
    public static byte[] EncodeLeaf(string key, object value) => DagCbor.Encode(new object?[] { key, ToValue(value) });

    /// <summary>
    /// Writes an account's leaf <c>[key, {nonce, balance}]</c> (canonical key order: shorter first),
    /// the same bytes as <see cref="EncodeLeaf"/> without building a map.
    /// </summary>
    public static void WriteAccountLeaf(DagCborWriter writer, string key, AccountEntry account)
    {
        writer.WriteStartArray(2);
        writer.WriteString(key);
        writer.WriteStartMap(2);
        writer.WriteString("nonce");
        writer.WriteInt64(account.Nonce);
        writer.WriteString("balance");
        writer.WriteInt64(account.Balance);
    }

    public static object ToValue(object value) => value switch
    {
        AccountEntry a => new Dictionary<string, object?>(StringComparer.Ordinal) { ["balance"] = a.Balance, ["nonce"] = a.Nonce },
        AllowanceEntry l => new Dictionary<string, object?>(StringComparer.Ordinal) { ["amount"] = l.Amount },
        TotalsEntry t => new Dictionary<string, object?>(StringComparer.Ordinal) { ["minted"] = t.Minted, ["escrow"] = t.Escrow, ["collateral"] = t.Collateral },
        GenesisConfig g => BlockCodec.GenesisMap(g with { Allocations = new Dictionary<string, long>() }),
        Offer o => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["provider"] = o.Provider,
            ["id"] = o.Id,
            ["resources"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["cpu"] = o.Resources.CpuMillis,
                ["memory"] = o.Resources.MemoryBytes,
                ["disk"] = o.Resources.DiskBytes,
                ["gpu"] = o.Resources.Gpu,
            },
            ["engines"] = o.Engines,
            ["prices"] = Prices(o.Prices),
            ["minCollateral"] = o.MinCollateral,
            ["region"] = o.Region,
            ["labels"] = o.Labels.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal),
            ["active"] = o.Active,
        },
        Deal d => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = d.Id,
            ["client"] = d.Client,
            ["provider"] = d.Provider,
            ["orchestrator"] = d.Orchestrator,
            ["offer"] = d.OfferId,
            ["job"] = d.Job,
            ["execution"] = d.Execution,
            ["prices"] = Prices(d.Prices),
            ["budget"] = d.Budget,
            ["subscription"] = d.Subscription,
            ["fromSubscription"] = d.FromSubscription,
            ["collateral"] = d.Collateral,
            ["deadline"] = d.Deadline,
            ["status"] = d.Status.ToString().ToLowerInvariant(),
            ["paid"] = d.Paid,
            ["protocolFee"] = d.ProtocolFee,
        },
        Subscription s => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = s.Id,
            ["client"] = s.Client,
            ["provider"] = s.Provider,
            ["remaining"] = s.Remaining,
            ["expires"] = s.Expires,
            ["closed"] = s.Closed,
        },
        _ => throw new InvalidOperationException($"No canonical form for {value.GetType().Name}."),
    };

    private static Dictionary<string, object?> Prices(UsagePrices p) => new(StringComparer.Ordinal)
    {
        ["fuel"] = p.PerMegaFuel,
        ["cpuSecond"] = p.PerCpuSecond,
        ["gbSecond"] = p.PerGbSecond,
    };
}
