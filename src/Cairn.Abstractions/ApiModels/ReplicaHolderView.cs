namespace Cairn.ApiModels;

/// <summary>One node's copy of a replicated pin.</summary>
public sealed record ReplicaHolderView
{
    /// <summary>The node id (did:key).</summary>
    public required string NodeID { get; init; }

    /// <summary>
    /// pinned (counted), pinning (a copy is being made), missing (the node is not connected; counted
    /// until the grace period ends), lost (replaced by another copy; it counts again if the node comes back with it).
    /// </summary>
    public required string State { get; init; }

    /// <summary>Bytes of the DAG the node reported holding.</summary>
    public long Bytes { get; init; }

    /// <summary>Where the node serves its blocks.</summary>
    public string? GatewayUrl { get; init; }

    /// <summary>When the node reported the copy pinned.</summary>
    public DateTimeOffset? PinnedTime { get; init; }

    /// <summary>What went wrong the last time, if anything.</summary>
    public string? Message { get; init; }
}
