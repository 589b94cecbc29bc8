namespace Cairn.Wasm;

/// <summary>How a module is compiled.</summary>
public sealed record CompileOptions
{
    /// <summary>
    /// Replace every NaN produced by float arithmetic with the canonical positive quiet NaN, so float
    /// results are bit-identical on every machine (the default: jobs must be verifiable).
    /// </summary>
    public bool CanonicalizeNaN { get; init; } = true;
}
