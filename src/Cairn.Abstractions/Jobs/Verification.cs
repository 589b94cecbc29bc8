namespace Cairn.Jobs;

/// <summary>The verification policy of a job (Cairn's addition to the Bacalhau spec).</summary>
public sealed record Verification
{
    /// <summary>How results are checked.</summary>
    public VerificationMode Mode { get; init; }

    /// <summary>How many executions must agree under <see cref="VerificationMode.Redundant"/> (at least 2).</summary>
    public int Replicas { get; init; } = 1;
}
