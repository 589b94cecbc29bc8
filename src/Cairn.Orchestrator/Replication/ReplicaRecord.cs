namespace Cairn.Orchestrator.Replication;

/// <summary>A replicated pin, as stored: the root and how many copies are wanted.</summary>
/// <param name="Cid">The root CID (string form as given, normalized by the caller).</param>
/// <param name="Replicas">Copies wanted.</param>
/// <param name="Name">An optional name.</param>
/// <param name="CreatedAt">When it was added.</param>
/// <param name="Holders">The nodes that hold or held a copy.</param>
public sealed record ReplicaRecord(string Cid, int Replicas, string? Name, DateTimeOffset CreatedAt, IReadOnlyList<ReplicaHolderRecord> Holders);
