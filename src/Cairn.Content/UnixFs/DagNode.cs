using Cairn.Multiformats;

namespace Cairn.Content.UnixFs;

/// <summary>A built node as its parent sees it: CID, cumulative DAG size (the link's Tsize) and content size.</summary>
internal readonly record struct DagNode(Cid Cid, ulong Tsize, ulong FileSize);
