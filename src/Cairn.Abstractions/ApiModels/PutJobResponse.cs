namespace Cairn.ApiModels;

/// <summary>Answer to a job submission (Bacalhau's <c>PutJobResponse</c>).</summary>
public sealed record PutJobResponse
{
    /// <summary>The new job's id.</summary>
    public required string JobID { get; init; }

    /// <summary>The evaluation queued for it.</summary>
    public string? EvaluationID { get; init; }

    /// <summary>Things the submitter should know that did not stop the submission.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
