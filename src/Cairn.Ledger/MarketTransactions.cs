using Cairn.Ledger.Chain;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger;

/// <summary>
/// Typed builders for the market's transaction bodies, so the orchestrator, compute nodes and
/// wallets need not know payload field names (docs/ledger.md lists them). Sign the result with
/// <see cref="TransactionCodec.Sign"/> for the ledger's <see cref="ILedger.Chain"/> (or <see cref="EmbeddedLedger.Sign"/>)
/// and submit it through <see cref="ILedger.SubmitAsync"/>.
/// </summary>
public static class MarketTransactions
{
    /// <summary><c>transfer</c>.</summary>
    public static TransactionBody Transfer(string from, long nonce, string to, long amount) =>
        new(TxTypes.Transfer, from, nonce, Map(("to", to), ("amount", amount)));

    /// <summary><c>mint</c> (treasury only).</summary>
    public static TransactionBody Mint(string treasury, long nonce, string to, long amount) =>
        new(TxTypes.Mint, treasury, nonce, Map(("to", to), ("amount", amount)));

    /// <summary><c>approve</c>: lets an orchestrator lock up to <paramref name="amount"/> of the client's balance in deals.</summary>
    public static TransactionBody Approve(string client, long nonce, string orchestrator, long amount) =>
        new(TxTypes.Approve, client, nonce, Map(("spender", orchestrator), ("amount", amount)));

    /// <summary><c>offer.publish</c>, or <c>offer.update</c> when <paramref name="update"/> is set.</summary>
    public static TransactionBody PublishOffer(Offer offer, long nonce, bool update = false)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var labels = offer.Labels.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
        return new(update ? TxTypes.OfferUpdate : TxTypes.OfferPublish, offer.Provider, nonce, Map(
            ("id", offer.Id),
            ("resources", Map(("cpu", offer.Resources.CpuMillis), ("memory", offer.Resources.MemoryBytes), ("disk", offer.Resources.DiskBytes), ("gpu", offer.Resources.Gpu))),
            ("engines", offer.Engines.ToList()),
            ("prices", Map(("fuel", offer.Prices.PerMegaFuel), ("cpuSecond", offer.Prices.PerCpuSecond), ("gbSecond", offer.Prices.PerGbSecond))),
            ("minCollateral", offer.MinCollateral),
            ("region", offer.Region),
            ("labels", labels)));
    }

    /// <summary><c>offer.withdraw</c>.</summary>
    public static TransactionBody WithdrawOffer(string provider, long nonce, string offerId) =>
        new(TxTypes.OfferWithdraw, provider, nonce, Map(("id", offerId)));

    /// <summary><c>deal.open</c> by an orchestrator.</summary>
    public static TransactionBody OpenDeal(string orchestrator, long nonce, string dealId, string client, string provider, string offerId, string job, string execution, long budget, long collateral, long deadline, string? subscription = null) =>
        new(TxTypes.DealOpen, orchestrator, nonce, Map(
            ("id", dealId),
            ("client", client),
            ("provider", provider),
            ("offer", offerId),
            ("job", job),
            ("execution", execution),
            ("budget", budget),
            ("collateral", collateral),
            ("deadline", deadline),
            ("subscription", subscription)));

    /// <summary><c>deal.settle</c> with the provider's signature of the usage report (<see cref="UsageReports.Sign"/>).</summary>
    public static TransactionBody SettleDeal(string orchestrator, long nonce, string dealId, Usage usage, IReadOnlyList<Cid> results, ReadOnlyMemory<byte> providerReportSignature) =>
        new(TxTypes.DealSettle, orchestrator, nonce, Map(
            ("id", dealId),
            ("usage", UsageReports.UsageMap(usage)),
            ("results", results.ToList()),
            ("report", providerReportSignature.ToArray())));

    /// <summary><c>deal.fail</c> (failure, timeout or cancellation by the orchestrator).</summary>
    public static TransactionBody FailDeal(string orchestrator, long nonce, string dealId, string reason) =>
        new(TxTypes.DealFail, orchestrator, nonce, Map(("id", dealId), ("reason", reason)));

    /// <summary><c>deal.cancel</c> by the client after the deadline.</summary>
    public static TransactionBody CancelDeal(string client, long nonce, string dealId) =>
        new(TxTypes.DealCancel, client, nonce, Map(("id", dealId)));

    /// <summary><c>deal.slash</c>: the provider's result was proven wrong.</summary>
    public static TransactionBody SlashDeal(string orchestrator, long nonce, string dealId, string verifier, string evidence) =>
        new(TxTypes.DealSlash, orchestrator, nonce, Map(("id", dealId), ("verifier", verifier), ("evidence", evidence)));

    /// <summary><c>sub.create</c>.</summary>
    public static TransactionBody CreateSubscription(string client, long nonce, string id, long amount, long expires, string? provider = null) =>
        new(TxTypes.SubscriptionCreate, client, nonce, Map(("id", id), ("amount", amount), ("expires", expires), ("provider", provider)));

    /// <summary><c>sub.close</c>.</summary>
    public static TransactionBody CloseSubscription(string client, long nonce, string id) =>
        new(TxTypes.SubscriptionClose, client, nonce, Map(("id", id)));

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] fields)
    {
        var map = new Dictionary<string, object?>(fields.Length, StringComparer.Ordinal);
        foreach (var (k, v) in fields)
        {
            map[k] = v;
        }

        return map;
    }
}
