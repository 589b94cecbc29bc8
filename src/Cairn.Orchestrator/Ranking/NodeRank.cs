using Cairn.Jobs;

namespace Cairn.Orchestrator.Ranking;

/// <summary>One ranker's verdict on one node: a score (higher is better), or unsuitable with the reason.</summary>
public sealed record NodeRank
{
    /// <summary>The node.</summary>
    public required NodeId NodeId { get; init; }

    /// <summary>False when the node cannot run the job at all.</summary>
    public bool Eligible { get; init; } = true;

    /// <summary>The score this ranker adds (may be negative).</summary>
    public int Score { get; init; }

    /// <summary>Why, in words.</summary>
    public string? Reason { get; init; }

    /// <summary>A verdict that the node cannot run the job.</summary>
    public static NodeRank Unsuitable(NodeId node, string reason) => new() { NodeId = node, Eligible = false, Reason = reason };

    /// <summary>A verdict with a score.</summary>
    public static NodeRank Scored(NodeId node, int score, string? reason = null) => new() { NodeId = node, Score = score, Reason = reason };
}
