using Cairn.Market;

namespace Cairn.Jobs;

/// <summary>One attempt of a job on one node: what the orchestrator wants of it and what was observed.</summary>
public sealed record ExecutionRecord
{
    /// <summary>The execution's id.</summary>
    public required ExecutionId Id { get; init; }

    /// <summary>The job it belongs to.</summary>
    public required JobId JobId { get; init; }

    /// <summary>The node it was placed on.</summary>
    public required NodeId NodeId { get; init; }

    /// <summary>What the orchestrator wants.</summary>
    public ExecutionDesiredState DesiredState { get; init; }

    /// <summary>What was last observed.</summary>
    public ExecutionState State { get; init; }

    /// <summary>Why it is in that state.</summary>
    public string? StateMessage { get; init; }

    /// <summary>1 for the job's first placement, then counting every replacement and retry.</summary>
    public int Attempt { get; init; }

    /// <summary>The unit price the node bid, when it bid.</summary>
    public long? BidPrice { get; init; }

    /// <summary>The result, once the node reported one.</summary>
    public RunResult? Result { get; init; }

    /// <summary>Bumped on every change.</summary>
    public long Revision { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset ModifiedAt { get; init; }

    /// <summary>When the node reported it running (the start of its execution timeout).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>
    /// The ledger deal this execution runs under (its id is the execution id), or null for a free
    /// job. Set when the bid is accepted, before the deal is opened, so a crash in between is healed.
    /// </summary>
    public string? DealId { get; init; }

    /// <summary>The CID of the <c>deal.open</c> transaction, once the deal is open.</summary>
    public string? DealTxCid { get; init; }

    /// <summary>The deal's state as last recorded: null while opening, then Open, then how it closed.</summary>
    public DealStatus? DealStatus { get; init; }

    /// <summary>The CID of the transaction that closed the deal (<c>deal.settle</c>, <c>deal.fail</c>...).</summary>
    public string? SettlementTxCid { get; init; }

    /// <summary>What the provider was paid (after the protocol fee), once the deal closed.</summary>
    public long? Paid { get; init; }

    /// <summary>What went back to the client, once the deal closed.</summary>
    public long? Refunded { get; init; }
}
