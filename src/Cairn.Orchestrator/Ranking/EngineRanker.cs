namespace Cairn.Orchestrator.Ranking;

/// <summary>Rules out nodes that lack the task's engine or one of its input source types.</summary>
public sealed class EngineRanker : INodeRanker
{
    /// <inheritdoc />
    public string Name => "engine";

    /// <inheritdoc />
    public IReadOnlyList<NodeRank> Rank(RankingContext context, IReadOnlyList<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(candidates);
        var engine = context.Task.Engine.Type;
        var sources = context.Task.InputSources.Select(i => i.Source.Type).Distinct(StringComparer.Ordinal).ToList();
        return candidates.Select(c =>
        {
            if (!c.Info.Engines.Contains(engine, StringComparer.OrdinalIgnoreCase))
            {
                return NodeRank.Unsuitable(c.Info.Id, $"does not run the {engine} engine");
            }

            var missing = c.Info.InputSources.Count == 0 ? null : sources.FirstOrDefault(s => !c.Info.InputSources.Contains(s, StringComparer.OrdinalIgnoreCase));
            return missing is null
                ? NodeRank.Scored(c.Info.Id, 0)
                : NodeRank.Unsuitable(c.Info.Id, $"cannot fetch {missing} inputs");
        }).ToList();
    }
}
