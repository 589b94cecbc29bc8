namespace Cairn.Content.UnixFs;

/// <summary>The UnixFS node type (the <c>Type</c> enum of unixfs.proto).</summary>
public enum UnixFsType
{
    /// <summary>Raw bytes (legacy leaf type).</summary>
    Raw = 0,

    /// <summary>A flat directory: links named by entry.</summary>
    Directory = 1,

    /// <summary>A file (root, intermediate node, or kubo's dag-pb leaf).</summary>
    File = 2,

    /// <summary>Metadata (unused by current implementations).</summary>
    Metadata = 3,

    /// <summary>A symbolic link; Data holds the target path.</summary>
    Symlink = 4,

    /// <summary>A HAMT-sharded directory (large directories).</summary>
    HamtShard = 5,
}
