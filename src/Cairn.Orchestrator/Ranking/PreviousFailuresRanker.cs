namespace Cairn.Orchestrator.Ranking;

/// <summary>
/// Steers retries to other nodes: −15 for each earlier failure of this job on the node. The node
/// stays eligible, so a job with a single suitable node still gets its retries there.
/// </summary>
public sealed class PreviousFailuresRanker : INodeRanker
{
    /// <inheritdoc />
    public string Name => "failures";

    /// <inheritdoc />
    public IReadOnlyList<NodeRank> Rank(RankingContext context, IReadOnlyList<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return candidates.Select(c => c.PreviousFailures == 0
            ? NodeRank.Scored(c.Info.Id, 0)
            : NodeRank.Scored(c.Info.Id, -15 * c.PreviousFailures, $"-{15 * c.PreviousFailures} for {c.PreviousFailures} earlier failure(s) of this job here")).ToList();
    }
}
