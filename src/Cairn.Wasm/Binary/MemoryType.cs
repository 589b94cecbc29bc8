namespace Cairn.Wasm.Binary;

/// <summary>A linear memory's limits in 64 KiB pages.</summary>
/// <param name="Limits">Size limits in pages.</param>
public sealed record MemoryType(Limits Limits);
