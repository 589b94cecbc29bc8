namespace Cairn.Jobs.Compute;

/// <summary>Orchestrator → node: will you run this execution, and at what price?</summary>
public sealed record AskBidRequest
{
    /// <summary>The execution the node is asked to run.</summary>
    public required ExecutionId ExecutionId { get; init; }

    /// <summary>The job (the node runs its first task).</summary>
    public required Job Job { get; init; }
}
