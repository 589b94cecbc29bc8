namespace Cairn.Orchestrator.Ranking;

/// <summary>
/// One link of the node-selection chain: looks at every candidate for a job and gives each a
/// score or rules it out. Rankers see all candidates at once so they can score relatively
/// (the node holding the most input bytes gets the most points).
/// </summary>
public interface INodeRanker
{
    /// <summary>The ranker's name, shown in selection explanations.</summary>
    string Name { get; }

    /// <summary>A verdict for each candidate, in any order.</summary>
    IReadOnlyList<NodeRank> Rank(RankingContext context, IReadOnlyList<NodeCandidate> candidates);
}
