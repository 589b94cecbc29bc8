namespace Cairn.Orchestrator.Replication;

/// <summary>How the orchestrator keeps replicated pins at their count.</summary>
public sealed record ReplicationOptions
{
    /// <summary>How often every pin is looked at (also at once after a change).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a holder may be away from the node directory before its copy is replaced. Counted from
    /// when the orchestrator noticed, or from its own start: after a restart the nodes need a moment to
    /// dial in again, and their copies are not lost meanwhile.
    /// </summary>
    public TimeSpan MissingGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a connected holder is asked whether it still has its copy (an operator may unpin it, a disk may die).</summary>
    public TimeSpan VerifyInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one node may take to fetch and pin a copy.</summary>
    public TimeSpan PinTimeout { get; init; } = TimeSpan.FromMinutes(30);
}
