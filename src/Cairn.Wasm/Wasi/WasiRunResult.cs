using Cairn.Wasm.Runtime;

namespace Cairn.Wasm.Wasi;

/// <summary>The outcome of a WASI run.</summary>
public sealed record WasiRunResult
{
    /// <summary>The module's exit code (proc_exit or 0 on return); 134 after a trap.</summary>
    public int ExitCode { get; init; }

    /// <summary>Fuel consumed (deterministic: the same on every machine for the same module and inputs).</summary>
    public long FuelUsed { get; init; }

    /// <summary>Largest linear memory size reached, in bytes.</summary>
    public long PeakMemoryBytes { get; init; }

    /// <summary>Wall time of the run (instantiation included).</summary>
    public TimeSpan WallTime { get; init; }

    /// <summary>The part of <see cref="WallTime"/> spent instantiating (linking WASI, segments, tables) before the entry point ran.</summary>
    public TimeSpan InstantiateTime { get; init; }

    /// <summary>Functions compiled to IL by the end of the run (each on its first call).</summary>
    public int CompiledFunctions { get; init; }

    /// <summary>The trap that ended the run, if any.</summary>
    public WasmTrap? Trap { get; init; }
}
