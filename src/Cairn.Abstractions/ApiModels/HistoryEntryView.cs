using Cairn.Jobs;

namespace Cairn.ApiModels;

/// <summary>One entry of a job's audit history.</summary>
public sealed record HistoryEntryView
{
    /// <summary>Position in the store's history (increasing).</summary>
    public long Sequence { get; init; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>What changed: the job, an execution or an evaluation.</summary>
    public HistoryKind Kind { get; init; }

    /// <summary>The execution concerned, if any.</summary>
    public string? ExecutionID { get; init; }

    /// <summary>The evaluation concerned, if any.</summary>
    public string? EvaluationID { get; init; }

    /// <summary>The state before.</summary>
    public string? PreviousState { get; init; }

    /// <summary>The state after.</summary>
    public required string NewState { get; init; }

    /// <summary>Who made the change.</summary>
    public required string Actor { get; init; }

    /// <summary>Why.</summary>
    public string? Details { get; init; }

    /// <summary>Builds the view of a history entry.</summary>
    public static HistoryEntryView From(JobHistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new HistoryEntryView
        {
            Sequence = entry.Sequence,
            Time = entry.Time,
            Kind = entry.Kind,
            ExecutionID = entry.ExecutionId?.Value,
            EvaluationID = entry.EvaluationId?.Value,
            PreviousState = entry.PreviousState,
            NewState = entry.NewState,
            Actor = entry.Actor,
            Details = entry.Details,
        };
    }
}
