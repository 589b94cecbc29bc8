using Cairn.Jobs;

namespace Cairn.Orchestrator.Ranking;

/// <summary>A node after the whole chain: its total score and every ranker's reason.</summary>
public sealed record RankedNode
{
    /// <summary>The node.</summary>
    public required NodeCandidate Candidate { get; init; }

    /// <summary>The sum of the rankers' scores.</summary>
    public int Score { get; init; }

    /// <summary>False when any ranker ruled the node out.</summary>
    public bool Eligible { get; init; }

    /// <summary>Each ranker's reason, as <c>ranker: reason</c>.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>The reasons of the rankers that ruled the node out.</summary>
    public IReadOnlyList<string> Rejections { get; init; } = [];

    /// <summary>The node's id.</summary>
    public NodeId NodeId => Candidate.Info.Id;
}
