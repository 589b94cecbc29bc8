using Cairn.Multiformats;

namespace Cairn.Content.UnixFs;

/// <summary>A file, directory or symlink that an import produced (what <c>ipfs add</c> prints as <c>added CID PATH</c>).</summary>
/// <param name="Path">The path relative to what was added (its own name for the top entry).</param>
/// <param name="Cid">The root CID of the entry's DAG.</param>
/// <param name="Size">Content bytes (for a directory, the sum of the files under it).</param>
/// <param name="IsDirectory">True for directories.</param>
public sealed record ImportedEntry(string Path, Cid Cid, long Size, bool IsDirectory)
{
    /// <summary>The cumulative size of the DAG (blocks' bytes), the Tsize a parent's link records.</summary>
    public long DagSize { get; init; }
}
