using Cairn.Content.DagCbor;
using Cairn.Ledger.Chain;
using Cairn.Ledger.State;
using Cairn.Ledger.Storage;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger;

/// <summary>
/// A read-only view of a ledger file for tools (the CLI without a running node): the state at the
/// last durable block, rebuilt by replay, and lookups of blocks, transactions and history. Safe
/// while the producing node runs: SQLite's WAL lets a reader see the last committed block.
/// </summary>
public sealed class LedgerSnapshot
{
    private readonly MarketState _state;

    private LedgerSnapshot(string path, MarketState state, LedgerHead head, Cid genesis)
    {
        Path = path;
        _state = state;
        Head = head;
        Genesis = genesis;
    }

    /// <summary>The ledger file.</summary>
    public string Path { get; }

    /// <summary>The last durable block.</summary>
    public LedgerHead Head { get; }

    /// <summary>Block 0's CID.</summary>
    public Cid Genesis { get; }

    /// <summary>The genesis configuration.</summary>
    public GenesisConfig GenesisConfig => _state.Genesis;

    /// <summary>Replays the file (without re-checking signatures; use <see cref="EmbeddedLedger.Verify"/> for that).</summary>
    public static LedgerSnapshot Load(string path, CancellationToken cancellationToken)
    {
        using var store = LedgerStore.Open(path, readOnly: true);
        var r = Replayer.Run(store, checkSignatures: false, cancellationToken);
        if (!r.Ok)
        {
            throw new CairnException(ErrorCode.IntegrityViolation, $"The ledger {path} is damaged at height {r.BadHeight}: {r.Reason}")
            {
                Hint = "Run `cairn ledger verify` for the full check.",
            };
        }

        return new LedgerSnapshot(path, r.State!, new LedgerHead(r.Head!.Height, r.HeadCid!, r.Head.StateRoot, r.Head.Time), r.GenesisCid!);
    }

    /// <summary>An account's balance.</summary>
    public long Balance(string account) => _state.Account(account).Balance;

    /// <summary>An account's next nonce.</summary>
    public long NextNonce(string account) => _state.Account(account).Nonce;

    /// <summary>Minted supply, escrow and collateral.</summary>
    public (long Minted, long Escrow, long Collateral) Totals => (_state.Totals.Minted, _state.Totals.Escrow, _state.Totals.Collateral);

    /// <summary>A deal, or null.</summary>
    public Deal? Deal(string id) => _state.Deal(id);

    /// <summary>Active offers.</summary>
    public IReadOnlyList<Offer> Offers() => _state.Entries.Select(e => e.Value).OfType<Offer>().Where(o => o.Active).ToList();

    /// <summary>The committed transactions an account sent or was named in, oldest first.</summary>
    public static IReadOnlyList<LedgerEvent> History(string path, string account, int limit)
    {
        using var store = LedgerStore.Open(path, readOnly: true);
        return LedgerQueries.History(store, account, limit);
    }

    /// <summary>A block (by height or CID) or a transaction (by CID) as its DAG-CBOR data-model value, or null.</summary>
    public static (string Kind, long Height, Cid Cid, object? Value)? Find(string path, string heightOrCid)
    {
        ArgumentNullException.ThrowIfNull(heightOrCid);
        using var store = LedgerStore.Open(path, readOnly: true);
        if (long.TryParse(heightOrCid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var height))
        {
            return store.Block(height) is { } data ? ("block", height, BlockCodec.IdOf(data), DagCbor.Decode(data)) : null;
        }

        var cid = Cid.Parse(heightOrCid);
        if (store.BlockByCid(cid) is { } block)
        {
            return ("block", block.Height, cid, DagCbor.Decode(block.Data));
        }

        return store.TransactionByCid(cid) is { } tx ? ("transaction", tx.Height, cid, DagCbor.Decode(tx.Data)) : null;
    }
}
