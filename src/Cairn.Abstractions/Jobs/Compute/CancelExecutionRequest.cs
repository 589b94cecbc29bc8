namespace Cairn.Jobs.Compute;

/// <summary>Orchestrator → node: stop this execution.</summary>
public sealed record CancelExecutionRequest
{
    /// <summary>The execution to stop.</summary>
    public required ExecutionId ExecutionId { get; init; }

    /// <summary>Why (job stopped, timed out...).</summary>
    public string? Reason { get; init; }
}
