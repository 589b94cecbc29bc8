namespace Cairn.Wasm.Wasi;

/// <summary>What a WASI command sees of the host: arguments, environment, preopened directories, stdio, time and randomness.</summary>
public sealed record WasiConfig
{
    /// <summary>argv, including argv[0] (the program name).</summary>
    public IReadOnlyList<string> Args { get; init; } = ["main.wasm"];

    /// <summary>Environment variables as KEY=VALUE, in order.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Directories the module may use (fd 3, 4, ...).</summary>
    public IReadOnlyList<WasiPreopen> Preopens { get; init; } = [];

    /// <summary>Standard input (empty when null).</summary>
    public Stream? Stdin { get; init; }

    /// <summary>Standard output (discarded when null).</summary>
    public Stream? Stdout { get; init; }

    /// <summary>Standard error (discarded when null).</summary>
    public Stream? Stderr { get; init; }

    /// <summary>
    /// Let the module read the host clocks. Off by default (deterministic mode): clocks then start at
    /// <see cref="ClockStart"/> and advance 1 µs per reading, identically on every machine.
    /// </summary>
    public bool AllowHostTime { get; init; }

    /// <summary>Start of the deterministic realtime clock (nanoseconds since the Unix epoch).</summary>
    public long ClockStart { get; init; } = 1_700_000_000_000_000_000;

    /// <summary>Let the module read host randomness. Off by default: random_get then yields a stream seeded by <see cref="RandomSeed"/>.</summary>
    public bool AllowHostRandom { get; init; }

    /// <summary>Seed of the deterministic random stream.</summary>
    public ulong RandomSeed { get; init; }
}
