namespace Cairn.Orchestrator.Ranking;

/// <summary>
/// Prefers the nodes that already hold the most bytes of the job's inputs, so data does not move:
/// up to +20, in proportion to the best candidate's bytes.
/// </summary>
public sealed class DataLocalityRanker : INodeRanker
{
    /// <inheritdoc />
    public string Name => "locality";

    /// <inheritdoc />
    public IReadOnlyList<NodeRank> Rank(RankingContext context, IReadOnlyList<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var most = candidates.Count == 0 ? 0 : candidates.Max(c => c.LocalBytes);
        return candidates.Select(c =>
        {
            if (most <= 0 || c.LocalBytes <= 0)
            {
                return NodeRank.Scored(c.Info.Id, 0);
            }

            var score = (int)Math.Round(20.0 * c.LocalBytes / most);
            return NodeRank.Scored(c.Info.Id, score, $"+{score} for {c.LocalBytes} input bytes already here");
        }).ToList();
    }
}
