namespace Cairn.Content.DagPb;

/// <summary>
/// A DAG-PB node (https://ipld.io/specs/codecs/dag-pb/spec/): an ordered list of links and optional
/// opaque data (for UnixFS, a serialized <c>Data</c> message).
/// </summary>
/// <param name="Links">The links, in block order (sorted by name bytes when encoded by a canonical encoder).</param>
/// <param name="Data">The data, or null when the field is absent (absent and empty are distinct).</param>
public sealed record PBNode(IReadOnlyList<PBLink> Links, ReadOnlyMemory<byte>? Data);
