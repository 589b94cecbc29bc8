namespace Cairn.ApiModels;

/// <summary>A compute node's admission state, as <c>/api/v1/compute/nodes</c> lists it: pending nodes wait for <c>cairn node approve</c>.</summary>
public sealed record ComputeAdmissionView
{
    /// <summary>The node's did:key.</summary>
    public required string Did { get; init; }

    /// <summary>pending, admitted or rejected.</summary>
    public required string Status { get; init; }

    /// <summary>When it first asked (pending nodes).</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    /// <summary>Where it says its gateway listens.</summary>
    public string? GatewayUrl { get; init; }

    /// <summary>True while its connection is open (admitted nodes).</summary>
    public bool Connected { get; init; }

    /// <summary>How many roots the node announced holding (provider records); null before its first announcement.</summary>
    public int? ProvidedRoots { get; init; }
}
