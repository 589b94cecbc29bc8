namespace Cairn.Jobs;

/// <summary>
/// Time limits of a task. Specs write them in seconds, like Bacalhau (<c>ExecutionTimeout: 300</c>),
/// or as durations (<c>5m</c>, <c>1h30m</c>). Null means "the orchestrator's default".
/// </summary>
public sealed record Timeouts
{
    /// <summary>How long one execution may run once started.</summary>
    public TimeSpan? ExecutionTimeout { get; init; }

    /// <summary>How long the job may wait for a node before it fails.</summary>
    public TimeSpan? QueueTimeout { get; init; }

    /// <summary>How long the job may take from submission to a terminal state, retries included.</summary>
    public TimeSpan? TotalTimeout { get; init; }
}
