namespace Cairn.Jobs;

/// <summary>A request to run the scheduler over a job, held in the durable queue.</summary>
public sealed record EvaluationRecord
{
    /// <summary>The evaluation's id.</summary>
    public required EvaluationId Id { get; init; }

    /// <summary>The job to evaluate.</summary>
    public required JobId JobId { get; init; }

    /// <summary>Why it was created.</summary>
    public EvaluationTrigger TriggeredBy { get; init; }

    /// <summary>Its place in the queue.</summary>
    public EvaluationStatus Status { get; init; }

    /// <summary>Higher is claimed first (the job's priority).</summary>
    public int Priority { get; init; }

    /// <summary>Not claimed before this time (backoff, timeouts).</summary>
    public DateTimeOffset WaitUntil { get; init; }

    /// <summary>The worker holding the lease, while leased.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>When the lease runs out and the evaluation may be claimed again.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>How many times it has been claimed.</summary>
    public int Attempts { get; init; }

    /// <summary>Why it failed, when it did.</summary>
    public string? Message { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset ModifiedAt { get; init; }
}
