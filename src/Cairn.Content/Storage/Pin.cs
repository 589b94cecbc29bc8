using Cairn.Multiformats;

namespace Cairn.Content.Storage;

/// <summary>A pinned root.</summary>
/// <param name="Cid">The pinned CID.</param>
/// <param name="Mode">Recursive or direct.</param>
/// <param name="Name">An optional label (e.g. the path it was added from).</param>
public sealed record Pin(Cid Cid, PinMode Mode, string? Name);
