namespace Cairn.Jobs.Compute;

/// <summary>
/// A node that can keep a copy of content for the network (replication and repair): the orchestrator
/// asks it to fetch a DAG from the holders it names, verify every block, and pin it; later to drop
/// that copy, or to say whether it still has it. Compute nodes implement it next to
/// <see cref="IComputeNode"/>, in process and over the network alike.
/// </summary>
public interface IReplicaHolder
{
    /// <summary>Where the node serves its blocks (trustless gateway base URL); null when peers cannot reach it.</summary>
    string? GatewayUrl { get; }

    /// <summary>
    /// Fetches whatever of the DAG is missing (from <see cref="ReplicaRequest.Sources"/> first, then the
    /// node's own peers), verifying every block, and pins the root recursively as a replica. Idempotent:
    /// a copy already held is reported at once. Throws when no source has the content.
    /// </summary>
    Task<ReplicaState> PinReplicaAsync(ReplicaRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops the replica pin (the blocks go at the node's next gc). A pin the node's operator made
    /// is never removed: only the replica pin is. Reports what remains.
    /// </summary>
    Task<ReplicaState> UnpinReplicaAsync(string cid, CancellationToken cancellationToken = default);

    /// <summary>Whether the node holds the whole DAG pinned (any pin counts), and its size.</summary>
    Task<ReplicaState> GetReplicaAsync(string cid, CancellationToken cancellationToken = default);
}
