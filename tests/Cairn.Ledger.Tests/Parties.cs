using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Tests;

/// <summary>A cast of keys and a genesis naming them, shared by the ledger tests.</summary>
public sealed class Parties : IDisposable
{
    private readonly Dictionary<string, long> _nonces = new(StringComparer.Ordinal);

    public Parties(long feeBps = 250, long verifierBps = 2000)
    {
        Genesis = new GenesisConfig(
            "cairn-test",
            Producer.Did.Text,
            Treasury.Did.Text,
            [Orchestrator.Did.Text],
            feeBps,
            verifierBps,
            new SortedDictionary<string, long>(StringComparer.Ordinal)
            {
                [Treasury.Did.Text] = 1_000_000,
                [Alice.Did.Text] = 100_000,
                [Provider.Did.Text] = 50_000,
            },
            1_700_000_000_000);
    }

    public LedgerKey Producer { get; } = LedgerKey.Generate();

    public LedgerKey Treasury { get; } = LedgerKey.Generate();

    public LedgerKey Orchestrator { get; } = LedgerKey.Generate();

    public LedgerKey Alice { get; } = LedgerKey.Generate();

    public LedgerKey Bob { get; } = LedgerKey.Generate();

    public LedgerKey Provider { get; } = LedgerKey.Generate();

    public LedgerKey Verifier { get; } = LedgerKey.Generate();

    public GenesisConfig Genesis { get; }

    /// <summary>
    /// The chain transactions are signed for: a stand-in CID for tests that drive the rules
    /// directly, replaced by the real genesis CID when <see cref="Open"/> creates a ledger.
    /// </summary>
    public Cid Chain { get; set; } = Cid.Compute(1, Multicodec.DagCbor, "rules-only test chain"u8);

    /// <summary>Opens (creating it with <see cref="Genesis"/> when new) a ledger and signs for its chain from now on.</summary>
    public EmbeddedLedger Open(string path, LedgerOptions? options = null)
    {
        var ledger = EmbeddedLedger.Open(path, Producer, Genesis, options);
        Chain = ledger.Chain;
        return ledger;
    }

    /// <summary>A fresh state at genesis on <see cref="Chain"/>.</summary>
    internal MarketState NewState() => new(Genesis, Chain);

    public long Time => Genesis.Time + 1000;

    /// <summary>A body with the sender's next nonce (counted here, as a wallet would).</summary>
    public TransactionBody Body(LedgerKey from, string type, Dictionary<string, object?> payload, long? fee = null, long? expires = null, long? nonce = null)
    {
        var n = nonce ?? _nonces.GetValueOrDefault(from.Did.Text);
        return new TransactionBody(type, from.Did.Text, n, payload, fee, expires, Chain);
    }

    /// <summary>Marks the sender's nonce used (after a transaction was accepted).</summary>
    public void Used(TransactionBody body) => _nonces[body.From] = body.Nonce + 1;

    public SignedTransaction SignTx(LedgerKey from, string type, Dictionary<string, object?> payload, long? fee = null, long? expires = null)
    {
        var body = Body(from, type, payload, fee, expires);
        Used(body);
        return TransactionCodec.Sign(body, Chain, from);
    }

    public static Dictionary<string, object?> P(params (string Key, object? Value)[] fields)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in fields)
        {
            map[k] = v;
        }

        return map;
    }

    public static Dictionary<string, object?> OfferPayload(string id = "wasm-small", long minCollateral = 1000, long fuelPrice = 10, long cpuPrice = 5) => P(
        ("id", id),
        ("resources", P(("cpu", 2000L), ("memory", 4L << 30), ("disk", 10L << 30), ("gpu", 0L))),
        ("engines", new List<object?> { "wasm", "docker" }),
        ("prices", P(("fuel", fuelPrice), ("cpuSecond", cpuPrice), ("gbSecond", 1L))),
        ("minCollateral", minCollateral),
        ("region", "eu-west"),
        ("labels", P(("tier", "gold"))));

    public Dictionary<string, object?> DealPayload(string id, long budget = 5000, long collateral = 1000, string offer = "wasm-small", string? subscription = null, long? deadline = null) => P(
        ("id", id),
        ("client", Alice.Did.Text),
        ("provider", Provider.Did.Text),
        ("offer", offer),
        ("job", "j-1"),
        ("execution", "e-1"),
        ("budget", budget),
        ("collateral", collateral),
        ("deadline", deadline ?? Time + 60_000),
        ("subscription", subscription));

    public void Dispose()
    {
        foreach (var k in new[] { Producer, Treasury, Orchestrator, Alice, Bob, Provider, Verifier })
        {
            k.Dispose();
        }
    }
}
