namespace Cairn.Orchestrator.Ranking;

/// <summary>Rules out nodes whose labels do not meet every job constraint.</summary>
public sealed class ConstraintRanker : INodeRanker
{
    /// <inheritdoc />
    public string Name => "constraints";

    /// <inheritdoc />
    public IReadOnlyList<NodeRank> Rank(RankingContext context, IReadOnlyList<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(candidates);
        return candidates.Select(c =>
        {
            var failed = context.Job.Constraints.FirstOrDefault(k => !k.Matches(c.Info.Labels));
            return failed is null ? NodeRank.Scored(c.Info.Id, 0) : NodeRank.Unsuitable(c.Info.Id, $"labels do not meet '{failed}'");
        }).ToList();
    }
}
