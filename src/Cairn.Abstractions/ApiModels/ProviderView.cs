namespace Cairn.ApiModels;

/// <summary>A node that announced it holds a CID's whole DAG (a provider record, <c>cairn node providers</c>).</summary>
public sealed record ProviderView
{
    /// <summary>The node's did:key.</summary>
    public required string NodeID { get; init; }

    /// <summary>Bytes of the DAG the node announced.</summary>
    public required long Bytes { get; init; }

    /// <summary>Where the node serves its blocks.</summary>
    public string? GatewayUrl { get; init; }

    /// <summary>True while its connection is open.</summary>
    public bool Connected { get; init; }
}
