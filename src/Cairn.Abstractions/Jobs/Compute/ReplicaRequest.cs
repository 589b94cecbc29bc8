namespace Cairn.Jobs.Compute;

/// <summary>Orchestrator → node: keep a copy of <see cref="Cid"/>.</summary>
public sealed record ReplicaRequest
{
    /// <summary>The root CID of the DAG to hold.</summary>
    public required string Cid { get; init; }

    /// <summary>Gateway base URLs of nodes that hold it, best first (the survivors, when repairing).</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];
}
