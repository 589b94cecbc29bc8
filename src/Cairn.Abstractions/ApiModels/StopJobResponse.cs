using Cairn.Jobs;

namespace Cairn.ApiModels;

/// <summary>Answer to <c>DELETE /api/v1/orchestrator/jobs/{id}</c>.</summary>
public sealed record StopJobResponse
{
    /// <summary>The stopped job.</summary>
    public required string JobID { get; init; }

    /// <summary>Its state now.</summary>
    public JobState State { get; init; }

    /// <summary>Why it was stopped.</summary>
    public string? Message { get; init; }
}
