using Cairn.Jobs;
using Cairn.Market;

namespace Cairn.Orchestrator.Store;

/// <summary>A change to an execution; null fields are left as they are.</summary>
public sealed record ExecutionUpdate
{
    /// <summary>The new observed state (checked against <see cref="ExecutionStateMachine"/>).</summary>
    public ExecutionState? State { get; init; }

    /// <summary>The new desired state.</summary>
    public ExecutionDesiredState? DesiredState { get; init; }

    /// <summary>Why.</summary>
    public string? Message { get; init; }

    /// <summary>The node's bid price.</summary>
    public long? BidPrice { get; init; }

    /// <summary>The run result.</summary>
    public RunResult? Result { get; init; }

    /// <summary>An evaluation to queue in the same transaction, so the change cannot be recorded without the look it calls for.</summary>
    public EvaluationRecord? FollowUp { get; init; }

    /// <summary>When set, the update applies only if the execution is in this state (else <see cref="ErrorCode.Conflict"/>).</summary>
    public ExecutionState? ExpectedState { get; init; }

    /// <summary>The deal the execution runs under (set with the accepted bid, before the deal is opened).</summary>
    public string? DealId { get; init; }

    /// <summary>The <c>deal.open</c> transaction's CID.</summary>
    public string? DealTxCid { get; init; }

    /// <summary>The deal's status.</summary>
    public DealStatus? DealStatus { get; init; }

    /// <summary>The closing transaction's CID.</summary>
    public string? SettlementTxCid { get; init; }

    /// <summary>What the provider was paid.</summary>
    public long? Paid { get; init; }

    /// <summary>What the client got back.</summary>
    public long? Refunded { get; init; }

    /// <summary>Forgets the deal (it was never opened on the ledger): clears every deal field.</summary>
    public bool ClearDeal { get; init; }

    /// <summary>Words for the history entry of a deal change (the state <see cref="Message"/> is left alone).</summary>
    public string? DealMessage { get; init; }
}
