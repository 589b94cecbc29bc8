namespace Cairn.Jobs;

/// <summary>One line of a job's append-only audit log (<c>cairn job history</c>).</summary>
public sealed record JobHistoryEntry
{
    /// <summary>Position in the whole orchestrator's log (increasing).</summary>
    public long Sequence { get; init; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The job.</summary>
    public required JobId JobId { get; init; }

    /// <summary>What changed.</summary>
    public HistoryKind Kind { get; init; }

    /// <summary>The execution, for execution entries.</summary>
    public ExecutionId? ExecutionId { get; init; }

    /// <summary>The evaluation, for evaluation entries.</summary>
    public EvaluationId? EvaluationId { get; init; }

    /// <summary>The state before (null when the thing was created).</summary>
    public string? PreviousState { get; init; }

    /// <summary>The state after.</summary>
    public required string NewState { get; init; }

    /// <summary>Who made the change (<c>client</c>, <c>scheduler</c>, <c>node:n-...</c>).</summary>
    public required string Actor { get; init; }

    /// <summary>Why, in words.</summary>
    public string? Details { get; init; }
}
