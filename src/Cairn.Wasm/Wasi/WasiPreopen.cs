namespace Cairn.Wasm.Wasi;

/// <summary>A host directory made visible to the module under a guest path. Nothing outside it is reachable.</summary>
/// <param name="HostPath">The directory on the host.</param>
/// <param name="GuestPath">The name the module sees (e.g. "/data" or ".").</param>
public sealed record WasiPreopen(string HostPath, string GuestPath)
{
    /// <summary>
    /// When true the module can read below the directory but not change anything there: opening for
    /// writing, creating, truncating, renaming, removing and resizing fail with EROFS. Compute nodes
    /// mount job inputs this way, so a task cannot alter the content it was given.
    /// </summary>
    public bool ReadOnly { get; init; }
}
