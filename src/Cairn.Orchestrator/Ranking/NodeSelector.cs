namespace Cairn.Orchestrator.Ranking;

/// <summary>
/// Runs the ranker chain over the candidates: a node any ranker rules out is rejected (with the
/// reason); the rest are ordered by total score, then by lower price, then by id so the choice is
/// deterministic.
/// </summary>
public sealed class NodeSelector
{
    private readonly IReadOnlyList<INodeRanker> _rankers;

    /// <summary>Creates a selector with the given chain.</summary>
    public NodeSelector(IEnumerable<INodeRanker> rankers)
    {
        ArgumentNullException.ThrowIfNull(rankers);
        _rankers = rankers.ToList();
    }

    /// <summary>The default chain: engine fit, constraints, free capacity, price, data locality, previous failures.</summary>
    public static NodeSelector Default { get; } = new(
    [
        new EngineRanker(),
        new ConstraintRanker(),
        new CapacityRanker(),
        new PriceRanker(),
        new DataLocalityRanker(),
        new PreviousFailuresRanker(),
    ]);

    /// <summary>Every candidate ranked: eligible ones first, best first; then the rejected ones.</summary>
    public IReadOnlyList<RankedNode> Rank(RankingContext context, IReadOnlyList<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(candidates);
        var scores = candidates.ToDictionary(c => c.Info.Id, _ => 0);
        var eligible = candidates.ToDictionary(c => c.Info.Id, _ => true);
        var reasons = candidates.ToDictionary(c => c.Info.Id, _ => new List<string>());
        var rejections = candidates.ToDictionary(c => c.Info.Id, _ => new List<string>());
        foreach (var ranker in _rankers)
        {
            foreach (var rank in ranker.Rank(context, candidates))
            {
                if (!scores.ContainsKey(rank.NodeId))
                {
                    continue;
                }

                scores[rank.NodeId] += rank.Score;
                eligible[rank.NodeId] &= rank.Eligible;
                if (rank.Reason is not null)
                {
                    reasons[rank.NodeId].Add($"{ranker.Name}: {rank.Reason}");
                    if (!rank.Eligible)
                    {
                        rejections[rank.NodeId].Add($"{ranker.Name}: {rank.Reason}");
                    }
                }
            }
        }

        return candidates
            .Select(c => new RankedNode { Candidate = c, Score = scores[c.Info.Id], Eligible = eligible[c.Info.Id], Reasons = reasons[c.Info.Id], Rejections = rejections[c.Info.Id] })
            .OrderByDescending(r => r.Eligible)
            .ThenByDescending(r => r.Score)
            .ThenBy(r => r.Candidate.Info.Price)
            .ThenBy(r => r.NodeId.Value, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Why no node can run the job, for the job's state message.</summary>
    public static string ExplainRejections(IReadOnlyList<RankedNode> ranked)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        if (ranked.Count == 0)
        {
            return "no compute nodes are connected";
        }

        return string.Join("; ", ranked.Where(r => !r.Eligible).Select(r => $"{r.NodeId}: {string.Join(", ", r.Rejections)}"));
    }

}
