namespace Cairn.ApiModels;

/// <summary>An entry of a UnixFS directory.</summary>
public sealed record ContentEntryView
{
    /// <summary>The entry's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its CID.</summary>
    public required string Cid { get; init; }

    /// <summary>File size in bytes (for a directory, the DAG size its link records).</summary>
    public long Size { get; init; }

    /// <summary><c>file</c>, <c>directory</c> or <c>symlink</c>.</summary>
    public required string Type { get; init; }
}
