using Cairn.Multiformats;

namespace Cairn.Jobs.Execution;

/// <summary>An input made ready on local disk: its content's CID and where the host holds a copy.</summary>
/// <param name="Alias">The input's alias from the spec, if any.</param>
/// <param name="Target">The absolute path the task sees it at.</param>
/// <param name="HostPath">The host file or directory holding it (read-only to the task).</param>
/// <param name="Cid">The content's root CID in the node's store.</param>
/// <param name="Size">Its size in bytes (the file's length, or the sum over a directory's files).</param>
public sealed record PreparedInput(string? Alias, string Target, string HostPath, Cid Cid, long Size);
