namespace Cairn.Jobs;

/// <summary>A job and the orchestrator's view of it.</summary>
public sealed record JobRecord
{
    /// <summary>The job as submitted.</summary>
    public required Job Job { get; init; }

    /// <summary>The job's observed state.</summary>
    public JobState State { get; init; }

    /// <summary>Why it is in that state (the failure reason, who stopped it...).</summary>
    public string? StateMessage { get; init; }

    /// <summary>Bumped on every change; used for optimistic concurrency.</summary>
    public long Revision { get; init; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset ModifiedAt { get; init; }
}
