namespace Cairn.Wasm;

/// <summary>How a module is compiled.</summary>
public sealed record CompileOptions
{
    /// <summary>
    /// Replace every NaN produced by float arithmetic with the canonical positive quiet NaN, so float
    /// results are bit-identical on every machine (the default: jobs must be verifiable).
    /// </summary>
    public bool CanonicalizeNaN { get; init; } = true;

    /// <summary>
    /// Generate every function's IL at compile time instead of on each function's first call. The
    /// code and its fuel are the same either way; lazy (the default) makes a large module start in
    /// the time it takes to validate it.
    /// </summary>
    public bool Eager { get; init; }
}
