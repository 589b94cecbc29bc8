namespace Cairn.Jobs.Specs;

/// <summary>A job spec that cannot be parsed or is not valid; <see cref="Errors"/> lists every problem found.</summary>
public sealed class JobSpecException : CairnException
{
    /// <summary>Creates the exception from the problems found (at least one).</summary>
    public JobSpecException(IReadOnlyList<SpecError> errors)
        : base(ErrorCode.InvalidInput, FormatMessage(errors))
    {
        Errors = errors;
        Hint = errors.FirstOrDefault(e => e.Hint is not null)?.Hint;
    }

    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<SpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? "Invalid job spec: " + errors[0]
            : $"Invalid job spec ({errors.Count} problems):" + string.Concat(errors.Select(e => "\n  " + e));
    }
}
