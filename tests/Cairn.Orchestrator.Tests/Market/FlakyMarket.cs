using Cairn.Market;

namespace Cairn.Orchestrator.Tests.Market;

/// <summary>
/// A real market with switches that make deal calls "crash" (throw) just before or just after the
/// ledger call: the windows between a decision and its record in the job store.
/// </summary>
internal sealed class FlakyMarket(IMarket inner) : IMarket
{
    public bool UnavailableOnOpen { get; set; }

    public bool CrashBeforeOpen { get; set; }

    public bool CrashAfterOpen { get; set; }

    public bool CrashBeforeClose { get; set; }

    public bool CrashAfterClose { get; set; }

    private int settles;
    private int fails;

    /// <summary>Deals settled through this market; counted atomically, as workers settle concurrently.</summary>
    public int Settles => Volatile.Read(ref settles);

    public int Fails => Volatile.Read(ref fails);

    public string Account => inner.Account;

    public ValueTask<MarketTx> PublishOfferAsync(Offer offer, CancellationToken cancellationToken) => inner.PublishOfferAsync(offer, cancellationToken);

    public ValueTask<IReadOnlyList<Offer>> GetOffersAsync(string provider, CancellationToken cancellationToken) => inner.GetOffersAsync(provider, cancellationToken);

    public async ValueTask<DealOpened> OpenDealAsync(DealRequest request, CancellationToken cancellationToken)
    {
        if (UnavailableOnOpen)
        {
            throw new CairnException(ErrorCode.ServiceUnavailable, "The ledger is closed.");
        }

        Crash(CrashBeforeOpen);
        var opened = await inner.OpenDealAsync(request, cancellationToken);
        Crash(CrashAfterOpen);
        return opened;
    }

    public ValueTask<Deal?> GetDealAsync(string dealId, CancellationToken cancellationToken) => inner.GetDealAsync(dealId, cancellationToken);

    public async ValueTask<DealClosed> SettleDealAsync(SignedUsageReport report, CancellationToken cancellationToken)
    {
        Crash(CrashBeforeClose);
        var closed = await inner.SettleDealAsync(report, cancellationToken);
        Interlocked.Increment(ref settles);
        Crash(CrashAfterClose);
        return closed;
    }

    public async ValueTask<DealClosed> FailDealAsync(string dealId, string reason, CancellationToken cancellationToken)
    {
        Crash(CrashBeforeClose);
        var closed = await inner.FailDealAsync(dealId, reason, cancellationToken);
        Interlocked.Increment(ref fails);
        Crash(CrashAfterClose);
        return closed;
    }

    private static void Crash(bool now)
    {
        if (now)
        {
            throw new InvalidOperationException("simulated crash");
        }
    }
}
