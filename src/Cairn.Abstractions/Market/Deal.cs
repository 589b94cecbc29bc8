namespace Cairn.Market;

/// <summary>An escrowed agreement for one execution.</summary>
/// <param name="Id">The deal id (chosen by the orchestrator, unique).</param>
/// <param name="Client">Who pays.</param>
/// <param name="Provider">Who computes.</param>
/// <param name="Orchestrator">Who opened it and may close it.</param>
/// <param name="OfferId">The provider's offer it was made against.</param>
/// <param name="Job">The job id.</param>
/// <param name="Execution">The execution id.</param>
/// <param name="Prices">The agreed prices.</param>
/// <param name="Budget">The escrowed budget (cap on payment).</param>
/// <param name="Subscription">The subscription drawn from, if any.</param>
/// <param name="FromSubscription">The part of the budget drawn from it.</param>
/// <param name="Collateral">The provider's locked collateral.</param>
/// <param name="Deadline">After this (Unix ms) the client may cancel an open deal.</param>
/// <param name="Status">The deal's state.</param>
/// <param name="Paid">What the provider was paid (after the protocol fee).</param>
/// <param name="ProtocolFee">What went to the treasury.</param>
public sealed record Deal(
    string Id,
    string Client,
    string Provider,
    string Orchestrator,
    string OfferId,
    string Job,
    string Execution,
    UsagePrices Prices,
    long Budget,
    string? Subscription,
    long FromSubscription,
    long Collateral,
    long Deadline,
    DealStatus Status,
    long Paid,
    long ProtocolFee);
