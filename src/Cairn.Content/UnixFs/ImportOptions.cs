namespace Cairn.Content.UnixFs;

/// <summary>
/// How <see cref="UnixFsImporter"/> builds a DAG. The defaults equal <c>ipfs add --cid-version=1</c>
/// (and the JS <c>ipfs-unixfs-importer</c> with no options): CIDv1, raw leaves, 256 KiB fixed chunks,
/// balanced layout with at most 174 links per node. <c>CidVersion = 0</c> gives kubo's default
/// <c>ipfs add</c> (CIDv0, dag-pb leaves of UnixFS type File).
/// </summary>
public sealed record ImportOptions
{
    /// <summary>The CID version of dag-pb nodes: 0 or 1.</summary>
    public int CidVersion { get; init; } = 1;

    /// <summary>
    /// Raw leaves (bafkrei… blocks); null means true for CIDv1 and false for CIDv0, as kubo does.
    /// With CIDv0 and raw leaves, the leaves are CIDv1 raw blocks under CIDv0 nodes (as in kubo).
    /// </summary>
    public bool? RawLeaves { get; init; }

    /// <summary>The fixed chunk size in bytes (kubo's <c>--chunker size-N</c>).</summary>
    public int ChunkSize { get; init; } = 262144;

    /// <summary>The most links a file node holds (the balanced layout's fan-out).</summary>
    public int MaxLinks { get; init; } = 174;

    /// <summary>Whether a recursive import includes hidden entries (names starting with '.'); kubo's <c>--hidden</c>.</summary>
    public bool IncludeHidden { get; init; }

    /// <summary>Whether leaves are raw blocks after applying the version default.</summary>
    public bool EffectiveRawLeaves => RawLeaves ?? CidVersion != 0;
}
