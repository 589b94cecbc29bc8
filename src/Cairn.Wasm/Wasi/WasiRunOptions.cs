namespace Cairn.Wasm.Wasi;

/// <summary>Limits of one WASI run.</summary>
public sealed record WasiRunOptions
{
    /// <summary>Fuel limit (null: unlimited, still counted).</summary>
    public long? Fuel { get; init; }

    /// <summary>Memory limit in 64 KiB pages (default 16384 = 1 GiB).</summary>
    public uint MaxMemoryPages { get; init; } = 16384;

    /// <summary>Wall-clock limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Call depth limit.</summary>
    public int MaxCallDepth { get; init; } = 10_000;

    /// <summary>The exported function to run.</summary>
    public string Entry { get; init; } = "_start";
}
