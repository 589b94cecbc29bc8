namespace Cairn.Wasm.Wasi;

/// <summary>A host directory made visible to the module under a guest path. Nothing outside it is reachable.</summary>
/// <param name="HostPath">The directory on the host.</param>
/// <param name="GuestPath">The name the module sees (e.g. "/data" or ".").</param>
public sealed record WasiPreopen(string HostPath, string GuestPath);
