namespace Cairn.Wasm.Runtime;

/// <summary>Limits of one instance.</summary>
public sealed record InstanceOptions
{
    /// <summary>Largest memory in 64 KiB pages (default 16384 = 1 GiB).</summary>
    public uint MaxMemoryPages { get; init; } = 16384;

    /// <summary>Deepest wasm call nesting before a "call stack exhausted" trap.</summary>
    public int MaxCallDepth { get; init; } = 10_000;

    /// <summary>Fuel limit (instructions, see docs/wasm.md); null for unlimited (fuel is still counted).</summary>
    public long? Fuel { get; init; }
}
