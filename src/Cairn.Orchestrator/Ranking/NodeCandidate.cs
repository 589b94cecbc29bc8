using Cairn.Jobs;

namespace Cairn.Orchestrator.Ranking;

/// <summary>A node being considered for a job, with the facts rankers need beyond its <see cref="NodeInfo"/>.</summary>
public sealed record NodeCandidate
{
    /// <summary>The node's labels, engines, capacity and price.</summary>
    public required NodeInfo Info { get; init; }

    /// <summary>Bytes of the job's inputs already stored on the node.</summary>
    public long LocalBytes { get; init; }

    /// <summary>How many of this job's executions failed on the node.</summary>
    public int PreviousFailures { get; init; }
}
