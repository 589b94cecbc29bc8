namespace Cairn.ApiModels;

/// <summary>
/// A replicated pin as the orchestrator keeps it (<c>cairn pin status</c>): how many copies are wanted,
/// which nodes hold one, and what the orchestrator is doing about any shortfall.
/// </summary>
public sealed record ReplicaView
{
    /// <summary>The root CID.</summary>
    public required string Cid { get; init; }

    /// <summary>Copies wanted.</summary>
    public required int Replicas { get; init; }

    /// <summary>An optional name given at <c>pin add</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Copies held now (holders in state <c>pinned</c>).</summary>
    public required int Healthy { get; init; }

    /// <summary>ok (Healthy ≥ Replicas), repairing (a copy is being made), or under-replicated (no node can take one now).</summary>
    public required string Status { get; init; }

    /// <summary>Why the pin is short of copies, when it is.</summary>
    public string? Message { get; init; }

    /// <summary>The nodes that hold or held a copy.</summary>
    public required IReadOnlyList<ReplicaHolderView> Holders { get; init; }

    /// <summary>When the pin was added.</summary>
    public required DateTimeOffset CreateTime { get; init; }
}
