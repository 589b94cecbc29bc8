namespace Cairn.Jobs.Compute;

/// <summary>
/// Node → orchestrator: an execution moved to <see cref="State"/> (<see cref="ExecutionState.Running"/>,
/// <see cref="ExecutionState.Publishing"/>, <see cref="ExecutionState.Completed"/>, <see cref="ExecutionState.Failed"/>
/// or <see cref="ExecutionState.Cancelled"/>).
/// </summary>
public sealed record ExecutionReport
{
    /// <summary>The execution.</summary>
    public required ExecutionId ExecutionId { get; init; }

    /// <summary>The reporting node.</summary>
    public required NodeId NodeId { get; init; }

    /// <summary>Its new state.</summary>
    public required ExecutionState State { get; init; }

    /// <summary>The result, with Completed and (when the task ran) Failed.</summary>
    public RunResult? Result { get; init; }

    /// <summary>Why, in words (the failure reason).</summary>
    public string? Message { get; init; }
}
