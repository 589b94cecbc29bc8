namespace Cairn.Wasm.Binary;

/// <summary>Size limits of a table (in elements) or memory (in 64 KiB pages).</summary>
/// <param name="Min">The initial size.</param>
/// <param name="Max">The maximum size, if declared.</param>
public readonly record struct Limits(uint Min, uint? Max);
