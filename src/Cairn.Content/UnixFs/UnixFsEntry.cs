using Cairn.Multiformats;

namespace Cairn.Content.UnixFs;

/// <summary>A directory entry as <c>cairn ls</c> shows it.</summary>
/// <param name="Name">The entry's name.</param>
/// <param name="Cid">The entry's root CID.</param>
/// <param name="Size">Content bytes for files and symlinks (target length); the DAG size (Tsize) for directories.</param>
/// <param name="Type">File (raw leaves included), Directory or Symlink.</param>
public sealed record UnixFsEntry(string Name, Cid Cid, long Size, UnixFsType Type);
