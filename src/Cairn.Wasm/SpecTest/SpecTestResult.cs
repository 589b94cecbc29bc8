namespace Cairn.Wasm.SpecTest;

/// <summary>Counts of one or more spec test scripts, per assertion.</summary>
public sealed class SpecTestResult
{
    /// <summary>Assertions that passed.</summary>
    public int Passed { get; set; }

    /// <summary>Assertions that failed.</summary>
    public int Failed { get; set; }

    /// <summary>Assertions not run (text-format modules, SIMD values), with reasons.</summary>
    public int Skipped { get; set; }

    /// <summary>One line per failure: file:line and what went wrong.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Adds another result's counts.</summary>
    public void Add(SpecTestResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Passed += other.Passed;
        Failed += other.Failed;
        Skipped += other.Skipped;
        Failures.AddRange(other.Failures);
    }
}
