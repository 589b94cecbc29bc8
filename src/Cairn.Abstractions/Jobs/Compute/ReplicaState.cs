namespace Cairn.Jobs.Compute;

/// <summary>A node's answer about one replica.</summary>
public sealed record ReplicaState
{
    /// <summary>The root CID asked about.</summary>
    public required string Cid { get; init; }

    /// <summary>True when the whole DAG is on the node and pinned (by the replica pin or another).</summary>
    public required bool Pinned { get; init; }

    /// <summary>Bytes of the DAG's blocks on the node (0 when not pinned).</summary>
    public long Bytes { get; init; }

    /// <summary>Bytes fetched from peers for this request (0 when the copy was already there).</summary>
    public long BytesFetched { get; init; }

    /// <summary>Blocks fetched from peers for this request.</summary>
    public long BlocksFetched { get; init; }

    /// <summary>The gateways the blocks came from.</summary>
    public IReadOnlyList<string> FetchedFrom { get; init; } = [];
}
