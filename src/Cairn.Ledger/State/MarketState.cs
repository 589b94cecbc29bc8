using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.State;

/// <summary>
/// The market's state as a map from string keys to immutable entries. Every write is journaled so
/// a transaction that breaks a rule half-way is rolled back whole, and every written key is marked
/// dirty so the state root is updated incrementally (see <see cref="StateCommitment"/>).
/// </summary>
/// <remarks>
/// Keys: <c>a:DID</c> account, <c>l:OWNER:SPENDER</c> allowance, <c>o:PROVIDER:ID</c> offer,
/// <c>d:ID</c> deal, <c>s:ID</c> subscription, <c>t</c> totals, <c>g</c> genesis roles.
/// </remarks>
internal sealed class MarketState
{
    public const string TotalsKey = "t";
    public const string GenesisKey = "g";

    private readonly Dictionary<string, object> _entries = new(StringComparer.Ordinal);
    private readonly List<(string Key, object? Old)> _journal = [];
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _orchestrators = new(StringComparer.Ordinal);

    /// <param name="genesis">The roles and the initial supply.</param>
    /// <param name="chain">
    /// The genesis block's CID, which every transaction must name. Null only while the genesis
    /// block itself is being built (its state root is needed before its CID exists); such a state
    /// accepts no transaction.
    /// </param>
    public MarketState(GenesisConfig genesis, Cid? chain)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        Genesis = genesis;
        Chain = chain;
        foreach (var o in genesis.Orchestrators)
        {
            _orchestrators.Add(o);
        }

        Set(GenesisKey, genesis);
        long minted = 0;
        foreach (var (account, amount) in genesis.Allocations)
        {
            if (amount < 0)
            {
                throw new RuleViolation($"Genesis allocation to {account} is negative.");
            }

            minted = checked(minted + amount);
            Set(AccountKey(account), new AccountEntry(amount, 0));
        }

        Set(TotalsKey, new TotalsEntry(minted, 0, 0));
        _journal.Clear();
    }

    public GenesisConfig Genesis { get; }

    /// <summary>The chain this state belongs to (the genesis block's CID).</summary>
    public Cid? Chain { get; }

    public int Count => _entries.Count;

    public TotalsEntry Totals => (TotalsEntry)_entries[TotalsKey];

    public static string AccountKey(string did) => "a:" + did;

    public static string AllowanceKey(string owner, string spender) => "l:" + owner + ":" + spender;

    public static string OfferKey(string provider, string id) => "o:" + provider + ":" + id;

    public static string DealKey(string id) => "d:" + id;

    public static string SubscriptionKey(string id) => "s:" + id;

    public bool IsOrchestrator(string did) => _orchestrators.Contains(did);

    public AccountEntry Account(string did) =>
        _entries.TryGetValue(AccountKey(did), out var e) ? (AccountEntry)e : new AccountEntry(0, 0);

    public long Allowance(string owner, string spender) =>
        _entries.TryGetValue(AllowanceKey(owner, spender), out var e) ? ((AllowanceEntry)e).Amount : 0;

    public Offer? Offer(string provider, string id) =>
        _entries.TryGetValue(OfferKey(provider, id), out var e) ? (Offer)e : null;

    public Deal? Deal(string id) => _entries.TryGetValue(DealKey(id), out var e) ? (Deal)e : null;

    public Subscription? Subscription(string id) => _entries.TryGetValue(SubscriptionKey(id), out var e) ? (Subscription)e : null;

    public object? Get(string key) => _entries.GetValueOrDefault(key);

    public IEnumerable<KeyValuePair<string, object>> Entries => _entries;

    public void Set(string key, object value)
    {
        _journal.Add((key, _entries.GetValueOrDefault(key)));
        _entries[key] = value;
        _dirty.Add(key);
    }

    public void SetAccount(string did, AccountEntry entry) => Set(AccountKey(did), entry);

    public void Credit(string did, long amount)
    {
        var a = Account(did);
        SetAccount(did, a with { Balance = checked(a.Balance + amount) });
    }

    public void Debit(string did, long amount, string what)
    {
        var a = Account(did);
        if (a.Balance < amount)
        {
            throw new RuleViolation($"{did} has {a.Balance}, less than the {amount} needed for {what}.");
        }

        SetAccount(did, a with { Balance = a.Balance - amount });
    }

    public void AdjustTotals(long minted = 0, long escrow = 0, long collateral = 0)
    {
        var t = Totals;
        Set(TotalsKey, new TotalsEntry(checked(t.Minted + minted), checked(t.Escrow + escrow), checked(t.Collateral + collateral)));
    }

    /// <summary>Marks the start of a transaction: later writes can be undone by <see cref="Rollback"/>.</summary>
    public void Begin() => _journal.Clear();

    public void Commit()
    {
        LastTouchedAccounts.Clear();
        foreach (var (key, _) in _journal)
        {
            if (key.StartsWith("a:", StringComparison.Ordinal))
            {
                LastTouchedAccounts.Add(key[2..]);
            }
        }

        _journal.Clear();
    }

    /// <summary>The accounts whose balance or nonce the last committed transaction changed (for history).</summary>
    public HashSet<string> LastTouchedAccounts { get; } = new(StringComparer.Ordinal);

    public void Rollback()
    {
        for (var i = _journal.Count - 1; i >= 0; i--)
        {
            var (key, old) = _journal[i];
            if (old is null)
            {
                _entries.Remove(key);
            }
            else
            {
                _entries[key] = old;
            }

            // The key stays dirty: recomputing an unchanged leaf is harmless, forgetting a changed one is not.
        }

        _journal.Clear();
    }

    /// <summary>The keys written since the last call, for the state root.</summary>
    public List<string> TakeDirty()
    {
        var keys = _dirty.ToList();
        _dirty.Clear();
        return keys;
    }

    /// <summary>
    /// Checks the supply invariants by a full scan (tests and verify): minted = balances + escrow +
    /// collateral; escrow and collateral equal what open deals and live subscriptions hold; no
    /// negative amounts. Returns null when they hold, else what is wrong.
    /// </summary>
    public string? CheckInvariants()
    {
        long balances = 0, escrow = 0, collateral = 0;
        foreach (var (key, value) in _entries)
        {
            switch (value)
            {
                case AccountEntry a:
                    if (a.Balance < 0)
                    {
                        return $"{key} has a negative balance {a.Balance}.";
                    }

                    balances = checked(balances + a.Balance);
                    break;
                case Deal d when d.Status == DealStatus.Open:
                    if (d.Budget < 0 || d.Collateral < 0)
                    {
                        return $"{key} holds a negative amount.";
                    }

                    escrow = checked(escrow + d.Budget);
                    collateral = checked(collateral + d.Collateral);
                    break;
                case Subscription s when !s.Closed:
                    if (s.Remaining < 0)
                    {
                        return $"{key} has a negative remainder.";
                    }

                    escrow = checked(escrow + s.Remaining);
                    break;
                default:
                    break;
            }
        }

        var t = Totals;
        if (t.Escrow != escrow || t.Collateral != collateral)
        {
            return $"totals say escrow {t.Escrow} and collateral {t.Collateral}; deals and subscriptions hold {escrow} and {collateral}.";
        }

        if (checked(balances + escrow + collateral) != t.Minted)
        {
            return $"balances {balances} + escrow {escrow} + collateral {collateral} != minted {t.Minted}.";
        }

        return null;
    }
}
