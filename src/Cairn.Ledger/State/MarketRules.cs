using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Market;

namespace Cairn.Ledger.State;

/// <summary>
/// The market's state machine: applies one transaction (whose signature was already checked) to
/// the state, or throws <see cref="RuleViolation"/> and leaves the state as it was. Deterministic:
/// integers only, no clock but the block's time, no I/O. docs/ledger.md states every rule.
/// </summary>
internal static class MarketRules
{
    private const long BasisPoints = 10_000;

    /// <summary>Applies a transaction at a block time (Unix ms), atomically.</summary>
    public static void Apply(MarketState state, TransactionBody tx, long blockTime)
    {
        state.Begin();
        try
        {
            ApplyCore(state, tx, blockTime);
            state.Commit();
        }
        catch (RuleViolation)
        {
            state.Rollback();
            throw;
        }
        catch (OverflowException e)
        {
            state.Rollback();
            throw new RuleViolation($"{tx.Type} from {tx.From}: an amount overflows 64 bits.", e);
        }
    }

    private static void ApplyCore(MarketState state, TransactionBody tx, long blockTime)
    {
        // First, so a transaction replayed from another chain is named as such, not as a nonce clash.
        if (tx.Chain is null || state.Chain is null || tx.Chain != state.Chain)
        {
            throw new RuleViolation($"The {tx.Type} transaction from {tx.From} is for chain {tx.Chain?.ToString() ?? "(none)"} on chain {state.Chain?.ToString() ?? "(none)"}.");
        }

        if (tx.Expires is { } expires && blockTime > expires)
        {
            throw new RuleViolation($"The transaction expired at {expires}; the block time is {blockTime}.");
        }

        var account = state.Account(tx.From);
        if (tx.Nonce != account.Nonce)
        {
            throw new RuleViolation($"Nonce {tx.Nonce} from {tx.From} is not the expected {account.Nonce}.");
        }

        state.SetAccount(tx.From, account with { Nonce = account.Nonce + 1 });
        if (tx.Fee is { } fee)
        {
            if (fee < 0)
            {
                throw new RuleViolation($"The fee {fee} is negative.");
            }

            if (fee > 0)
            {
                state.Debit(tx.From, fee, "the fee");
                state.Credit(state.Genesis.Treasury, fee);
            }
        }

        var p = tx.Payload;
        switch (tx.Type)
        {
            case TxTypes.Mint:
                Mint(state, tx.From, p);
                break;
            case TxTypes.Transfer:
                Transfer(state, tx.From, p);
                break;
            case TxTypes.Approve:
                state.Set(MarketState.AllowanceKey(tx.From, Payload.Did(p, "spender")), new AllowanceEntry(Payload.NonNegative(p, "amount")));
                break;
            case TxTypes.OfferPublish:
                PublishOffer(state, tx.From, p, update: false);
                break;
            case TxTypes.OfferUpdate:
                PublishOffer(state, tx.From, p, update: true);
                break;
            case TxTypes.OfferWithdraw:
                WithdrawOffer(state, tx.From, p);
                break;
            case TxTypes.DealOpen:
                OpenDeal(state, tx.From, p, blockTime);
                break;
            case TxTypes.DealSettle:
                SettleDeal(state, tx.From, p);
                break;
            case TxTypes.DealFail:
                CloseDeal(state, tx.From, p, blockTime, DealStatus.Failed);
                break;
            case TxTypes.DealCancel:
                CloseDeal(state, tx.From, p, blockTime, DealStatus.Cancelled);
                break;
            case TxTypes.DealSlash:
                SlashDeal(state, tx.From, p);
                break;
            case TxTypes.SubscriptionCreate:
                CreateSubscription(state, tx.From, p, blockTime);
                break;
            case TxTypes.SubscriptionClose:
                CloseSubscription(state, tx.From, p, blockTime);
                break;
            default:
                throw new RuleViolation($"Unknown transaction type '{tx.Type}'.");
        }
    }

    private static void Mint(MarketState state, string from, IReadOnlyDictionary<string, object?> p)
    {
        if (from != state.Genesis.Treasury)
        {
            throw new RuleViolation($"Only the treasury mints; {from} is not it.");
        }

        var to = Payload.Did(p, "to");
        var amount = Payload.Positive(p, "amount");
        state.Credit(to, amount);
        state.AdjustTotals(minted: amount);
    }

    private static void Transfer(MarketState state, string from, IReadOnlyDictionary<string, object?> p)
    {
        var to = Payload.Did(p, "to");
        var amount = Payload.Positive(p, "amount");
        if (to == from)
        {
            throw new RuleViolation("A transfer to oneself is not allowed.");
        }

        state.Debit(from, amount, "the transfer");
        state.Credit(to, amount);
    }

    private static void PublishOffer(MarketState state, string from, IReadOnlyDictionary<string, object?> p, bool update)
    {
        var id = Payload.Id(p, "id");
        var existing = state.Offer(from, id);
        if (update && existing is not { Active: true })
        {
            throw new RuleViolation($"{from} has no active offer '{id}' to update.");
        }

        if (!update && existing is { Active: true })
        {
            throw new RuleViolation($"{from} already has an active offer '{id}'; update it instead.");
        }

        var r = Payload.Map(p, "resources");
        var prices = ReadPrices(Payload.Map(p, "prices"), "payload.prices");
        var engines = Payload.Strings(p, "engines");
        if (engines.Count == 0)
        {
            throw new RuleViolation("payload.engines must name at least one engine.");
        }

        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Payload.OptionalMap(p, "labels") is { } l)
        {
            foreach (var (k, v) in l)
            {
                labels[k] = v as string ?? throw new RuleViolation($"payload.labels.{k} must be a string.");
            }
        }

        var offer = new Offer(
            from,
            id,
            new ResourceAmounts(
                Payload.NonNegative(r, "cpu", "payload.resources"),
                Payload.NonNegative(r, "memory", "payload.resources"),
                Payload.NonNegative(r, "disk", "payload.resources"),
                Payload.OptionalNonNegative(r, "gpu", 0, "payload.resources")),
            engines,
            prices,
            Payload.NonNegative(p, "minCollateral"),
            Payload.OptionalString(p, "region") ?? string.Empty,
            labels,
            Active: true);
        state.Set(MarketState.OfferKey(from, id), offer);
    }

    private static void WithdrawOffer(MarketState state, string from, IReadOnlyDictionary<string, object?> p)
    {
        var id = Payload.Id(p, "id");
        var offer = state.Offer(from, id);
        if (offer is not { Active: true })
        {
            throw new RuleViolation($"{from} has no active offer '{id}' to withdraw.");
        }

        state.Set(MarketState.OfferKey(from, id), offer with { Active = false });
    }

    private static void OpenDeal(MarketState state, string from, IReadOnlyDictionary<string, object?> p, long blockTime)
    {
        if (!state.IsOrchestrator(from))
        {
            throw new RuleViolation($"{from} is not an orchestrator named in genesis; only those open deals.");
        }

        var id = Payload.Id(p, "id");
        if (state.Deal(id) is not null)
        {
            throw new RuleViolation($"Deal '{id}' exists already.");
        }

        var client = Payload.Did(p, "client");
        var provider = Payload.Did(p, "provider");
        var offerId = Payload.Id(p, "offer");
        var offer = state.Offer(provider, offerId);
        if (offer is not { Active: true })
        {
            throw new RuleViolation($"{provider} has no active offer '{offerId}'.");
        }

        var budget = Payload.Positive(p, "budget");
        var collateral = Payload.NonNegative(p, "collateral");
        if (collateral < offer.MinCollateral)
        {
            throw new RuleViolation($"Collateral {collateral} is below the offer's minimum {offer.MinCollateral}.");
        }

        var deadline = Payload.Long(p, "deadline");
        if (deadline <= blockTime)
        {
            throw new RuleViolation($"The deadline {deadline} is not after the block time {blockTime}.");
        }

        var subscriptionId = p.GetValueOrDefault("subscription") is null ? null : Payload.Id(p, "subscription");
        long fromSubscription = 0;
        if (subscriptionId is not null)
        {
            var sub = state.Subscription(subscriptionId) ?? throw new RuleViolation($"No subscription '{subscriptionId}'.");
            if (sub.Client != client || sub.Closed || blockTime >= sub.Expires || (sub.Provider is not null && sub.Provider != provider))
            {
                throw new RuleViolation($"Subscription '{subscriptionId}' does not cover this deal (other client or provider, closed or expired).");
            }

            fromSubscription = Math.Min(budget, sub.Remaining);
            state.Set(MarketState.SubscriptionKey(subscriptionId), sub with { Remaining = sub.Remaining - fromSubscription });
        }

        var fromBalance = budget - fromSubscription;
        if (fromBalance > 0)
        {
            var allowance = state.Allowance(client, from);
            if (allowance < fromBalance)
            {
                throw new RuleViolation($"{client} allows {from} to lock {allowance}, less than {fromBalance}.");
            }

            state.Set(MarketState.AllowanceKey(client, from), new AllowanceEntry(allowance - fromBalance));
            state.Debit(client, fromBalance, "the deal's budget");
        }

        if (collateral > 0)
        {
            state.Debit(provider, collateral, "the deal's collateral");
        }

        state.AdjustTotals(escrow: fromBalance, collateral: collateral);
        state.Set(MarketState.DealKey(id), new Deal(
            id,
            client,
            provider,
            from,
            offerId,
            Payload.String(p, "job"),
            Payload.String(p, "execution"),
            offer.Prices,
            budget,
            subscriptionId,
            fromSubscription,
            collateral,
            deadline,
            DealStatus.Open,
            0,
            0));
    }

    private static Deal OpenDealOf(MarketState state, IReadOnlyDictionary<string, object?> p)
    {
        var id = Payload.Id(p, "id");
        var deal = state.Deal(id) ?? throw new RuleViolation($"No deal '{id}'.");
        if (deal.Status != DealStatus.Open)
        {
            throw new RuleViolation($"Deal '{id}' is {deal.Status.ToString().ToLowerInvariant()}, not open.");
        }

        return deal;
    }

    private static void RequireOrchestrator(Deal deal, string from)
    {
        if (from != deal.Orchestrator)
        {
            throw new RuleViolation($"Only the deal's orchestrator {deal.Orchestrator} may close deal '{deal.Id}'.");
        }
    }

    private static void SettleDeal(MarketState state, string from, IReadOnlyDictionary<string, object?> p)
    {
        var deal = OpenDealOf(state, p);
        RequireOrchestrator(deal, from);
        var usageMap = Payload.Map(p, "usage");
        var usage = new Usage(
            Payload.NonNegative(usageMap, "fuel", "payload.usage"),
            Payload.NonNegative(usageMap, "cpuMillis", "payload.usage"),
            Payload.NonNegative(usageMap, "gbMillis", "payload.usage"));
        var results = Payload.Cids(p, "results");
        var report = Payload.Bytes(p, "report");
        if (!SignatureVerifier.Verify(deal.Provider, UsageReports.SigningBytes(deal.Id, usage, results), report))
        {
            throw new RuleViolation($"payload.report is not the provider {deal.Provider}'s signature of the usage report for deal '{deal.Id}'.");
        }

        var cost = Math.Min(deal.Budget, Cost(usage, deal.Prices));
        var protocolFee = (long)((Int128)cost * state.Genesis.ProtocolFeeBps / BasisPoints);
        var paid = cost - protocolFee;
        state.Credit(deal.Provider, paid + deal.Collateral);
        if (protocolFee > 0)
        {
            state.Credit(state.Genesis.Treasury, protocolFee);
        }

        var returnedToSubscription = Refund(state, deal, deal.Budget - cost);
        state.AdjustTotals(escrow: -(deal.Budget - returnedToSubscription), collateral: -deal.Collateral);
        state.Set(MarketState.DealKey(deal.Id), deal with { Status = DealStatus.Settled, Paid = paid, ProtocolFee = protocolFee });
    }

    private static void CloseDeal(MarketState state, string from, IReadOnlyDictionary<string, object?> p, long blockTime, DealStatus status)
    {
        var deal = OpenDealOf(state, p);
        if (status == DealStatus.Cancelled)
        {
            if (from != deal.Client)
            {
                throw new RuleViolation($"Only the client {deal.Client} may cancel deal '{deal.Id}'.");
            }

            if (blockTime <= deal.Deadline)
            {
                throw new RuleViolation($"Deal '{deal.Id}' may be cancelled only after its deadline {deal.Deadline} (block time {blockTime}).");
            }
        }
        else
        {
            RequireOrchestrator(deal, from);
        }

        state.Credit(deal.Provider, deal.Collateral);
        var returnedToSubscription = Refund(state, deal, deal.Budget);
        state.AdjustTotals(escrow: -(deal.Budget - returnedToSubscription), collateral: -deal.Collateral);
        state.Set(MarketState.DealKey(deal.Id), deal with { Status = status });
    }

    private static void SlashDeal(MarketState state, string from, IReadOnlyDictionary<string, object?> p)
    {
        var deal = OpenDealOf(state, p);
        RequireOrchestrator(deal, from);
        var verifier = Payload.Did(p, "verifier");
        _ = Payload.String(p, "evidence");
        var share = (long)((Int128)deal.Collateral * state.Genesis.VerifierShareBps / BasisPoints);
        state.Credit(verifier, share);
        state.Credit(deal.Client, deal.Collateral - share);
        var returnedToSubscription = Refund(state, deal, deal.Budget);
        state.AdjustTotals(escrow: -(deal.Budget - returnedToSubscription), collateral: -deal.Collateral);
        state.Set(MarketState.DealKey(deal.Id), deal with { Status = DealStatus.Slashed });
    }

    /// <summary>Returns a refund to the deal's subscription first (up to what it drew), the rest to the client.</summary>
    private static long Refund(MarketState state, Deal deal, long refund)
    {
        long toSubscription = 0;
        if (deal.Subscription is not null && state.Subscription(deal.Subscription) is { Closed: false } sub)
        {
            toSubscription = Math.Min(refund, deal.FromSubscription);
            if (toSubscription > 0)
            {
                state.Set(MarketState.SubscriptionKey(sub.Id), sub with { Remaining = checked(sub.Remaining + toSubscription) });
            }
        }

        if (refund - toSubscription > 0)
        {
            state.Credit(deal.Client, refund - toSubscription);
        }

        return toSubscription;
    }

    private static void CreateSubscription(MarketState state, string from, IReadOnlyDictionary<string, object?> p, long blockTime)
    {
        var id = Payload.Id(p, "id");
        if (state.Subscription(id) is not null)
        {
            throw new RuleViolation($"Subscription '{id}' exists already.");
        }

        var provider = p.GetValueOrDefault("provider") is null ? null : Payload.Did(p, "provider");
        var amount = Payload.Positive(p, "amount");
        var expires = Payload.Long(p, "expires");
        if (expires <= blockTime)
        {
            throw new RuleViolation($"The subscription's end {expires} is not after the block time {blockTime}.");
        }

        state.Debit(from, amount, "the subscription");
        state.AdjustTotals(escrow: amount);
        state.Set(MarketState.SubscriptionKey(id), new Subscription(id, from, provider, amount, expires, false));
    }

    private static void CloseSubscription(MarketState state, string from, IReadOnlyDictionary<string, object?> p, long blockTime)
    {
        var id = Payload.Id(p, "id");
        var sub = state.Subscription(id) ?? throw new RuleViolation($"No subscription '{id}'.");
        if (sub.Client != from)
        {
            throw new RuleViolation($"Only the client {sub.Client} may close subscription '{id}'.");
        }

        if (sub.Closed)
        {
            throw new RuleViolation($"Subscription '{id}' is closed already.");
        }

        if (blockTime < sub.Expires)
        {
            throw new RuleViolation($"Subscription '{id}' runs until {sub.Expires}; the block time is {blockTime}.");
        }

        state.Credit(from, sub.Remaining);
        state.AdjustTotals(escrow: -sub.Remaining);
        state.Set(MarketState.SubscriptionKey(id), sub with { Remaining = 0, Closed = true });
    }

    /// <summary>usage × price, each term rounded down (in the client's favour), saturating at long.MaxValue.</summary>
    internal static long Cost(Usage usage, UsagePrices prices)
    {
        var total = ((Int128)usage.Fuel * prices.PerMegaFuel / 1_000_000)
            + ((Int128)usage.CpuMillis * prices.PerCpuSecond / 1000)
            + ((Int128)usage.GbMillis * prices.PerGbSecond / 1000);
        return total > long.MaxValue ? long.MaxValue : (long)total;
    }

    private static UsagePrices ReadPrices(IReadOnlyDictionary<string, object?> m, string path) => new(
        Payload.OptionalNonNegative(m, "fuel", 0, path),
        Payload.OptionalNonNegative(m, "cpuSecond", 0, path),
        Payload.OptionalNonNegative(m, "gbSecond", 0, path));
}
