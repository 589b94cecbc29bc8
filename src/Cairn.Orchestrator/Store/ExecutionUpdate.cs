using Cairn.Jobs;

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
}
