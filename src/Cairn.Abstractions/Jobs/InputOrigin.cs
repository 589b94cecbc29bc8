namespace Cairn.Jobs;

/// <summary>Where one input of an execution came from, and how many bytes the node moved to get it.</summary>
public sealed record InputOrigin
{
    /// <summary>Where the task saw it (the input's Target).</summary>
    public required string Target { get; init; }

    /// <summary>The content's CID (text).</summary>
    public required string Cid { get; init; }

    /// <summary>
    /// How it was obtained: <c>local</c> (already in the node's store), <c>peer</c> (fetched from
    /// peers' gateways), <c>url</c> (downloaded), <c>inline</c> (in the spec) or <c>path</c> (a local path).
    /// </summary>
    public required string Source { get; init; }

    /// <summary>The peers (gateway URLs) or the URL the bytes came from; empty for local content.</summary>
    public IReadOnlyList<string> From { get; init; } = [];

    /// <summary>Bytes moved over the network to get it (0 when it was local).</summary>
    public long BytesMoved { get; init; }

    /// <summary>Blocks fetched from peers (0 unless <see cref="Source"/> is <c>peer</c>).</summary>
    public long BlocksFetched { get; init; }
}
