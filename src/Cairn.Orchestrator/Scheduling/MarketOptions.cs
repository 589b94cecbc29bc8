namespace Cairn.Orchestrator.Scheduling;

/// <summary>How the scheduler opens ledger deals when it has a market (see docs/market.md).</summary>
public sealed record MarketOptions
{
    /// <summary>Who pays for jobs whose <c>Payment.Client</c> is empty (a did:key), or null to run them free.</summary>
    public string? DefaultClient { get; init; }

    /// <summary>
    /// The budget escrowed for each execution of a job whose <c>Payment.Budget</c> is 0; 0 runs such
    /// jobs free. A budget is per execution: every attempt (and every one of Count) locks its own.
    /// </summary>
    public long DefaultBudget { get; init; }

    /// <summary>Added to the job's own time limits to make the deal's deadline, after which the client may cancel it.</summary>
    public TimeSpan DealDeadlineMargin { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The run time assumed for the deadline when the job sets neither an execution nor a total timeout.</summary>
    public TimeSpan DefaultDealDuration { get; init; } = TimeSpan.FromHours(1);
}
