namespace Cairn.ApiModels;

/// <summary>Body of <c>POST /api/v1/replicas</c>: keep <see cref="Replicas"/> copies of <see cref="Cid"/> across the nodes.</summary>
public sealed record PinReplicasRequest
{
    /// <summary>The root CID.</summary>
    public required string Cid { get; init; }

    /// <summary>Copies wanted (1 or more).</summary>
    public required int Replicas { get; init; }

    /// <summary>An optional name.</summary>
    public string? Name { get; init; }
}
