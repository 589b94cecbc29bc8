namespace Cairn.Orchestrator.Replication;

/// <summary>A node's copy of a replicated pin, as stored.</summary>
/// <param name="Node">The node id (did:key).</param>
/// <param name="State"><c>pinned</c> or <c>lost</c>.</param>
/// <param name="Bytes">Bytes of the DAG the node reported.</param>
/// <param name="GatewayUrl">Where the node serves blocks, when known.</param>
/// <param name="PinnedAt">When the node reported the copy pinned.</param>
/// <param name="Message">What happened last (why it was marked lost).</param>
public sealed record ReplicaHolderRecord(string Node, string State, long Bytes, string? GatewayUrl, DateTimeOffset PinnedAt, string? Message);
