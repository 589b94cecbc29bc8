using Cairn.Multiformats;

namespace Cairn.Content.DagPb;

/// <summary>A DAG-PB link: the target's CID, an optional UTF-8 name and an optional cumulative size.</summary>
/// <param name="Hash">The CID of the target block.</param>
/// <param name="Name">The link's name (UnixFS directory entry name); null when absent (not the same as empty).</param>
/// <param name="Tsize">The cumulative size of the target DAG in bytes; null when absent.</param>
public sealed record PBLink(Cid Hash, string? Name, ulong? Tsize);
