namespace Cairn.Compute.Tests.Conformance;

/// <summary>
/// The facts of the executor conformance suite. A backend whose executor needs something the machine may
/// not have (a container runtime) implements the partial <c>SkipReason</c> in its test assembly, so the
/// inherited facts report skipped with the reason there instead of failing or silently passing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed partial class ConformanceFactAttribute : FactAttribute
{
    /// <summary>Asks the assembly's backend, at discovery, whether its executor can run here.</summary>
    public ConformanceFactAttribute()
    {
        string? reason = null;
        SkipReason(ref reason);
        if (reason is not null)
        {
            Skip = reason;
        }
    }

    static partial void SkipReason(ref string? reason);
}
