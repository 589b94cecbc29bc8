namespace Cairn.Jobs;

/// <summary>What the orchestrator knows of a compute node when it ranks nodes for a job.</summary>
public sealed record NodeInfo
{
    /// <summary>The node's id.</summary>
    public required NodeId Id { get; init; }

    /// <summary>The node's labels, matched by job constraints.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The engines it runs (lowercase: <c>wasm</c>, <c>noop</c>...).</summary>
    public IReadOnlyList<string> Engines { get; init; } = [];

    /// <summary>The input source types it can fetch (<c>ipfs</c>, <c>inline</c>...); empty means all.</summary>
    public IReadOnlyList<string> InputSources { get; init; } = [];

    /// <summary>Its total resources.</summary>
    public Resources Capacity { get; init; } = Resources.None;

    /// <summary>Its resources not held by running executions.</summary>
    public Resources Available { get; init; } = Resources.None;

    /// <summary>Its unit price (ledger's smallest unit per unit of metered usage), from its offer.</summary>
    public long Price { get; init; }

    /// <summary>The node's ledger account (its did:key): the provider named in its deals.</summary>
    public string? Account { get; init; }

    /// <summary>The id of the node's active offer on the ledger.</summary>
    public string? OfferId { get; init; }
}
