using Cairn.Jobs;

namespace Cairn.Orchestrator.Ranking;

/// <summary>The job being placed.</summary>
public sealed record RankingContext
{
    /// <summary>The job.</summary>
    public required Job Job { get; init; }

    /// <summary>Its task (the first; Cairn runs one per job).</summary>
    public JobTask Task => Job.Tasks[0];
}
