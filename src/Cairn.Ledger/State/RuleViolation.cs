namespace Cairn.Ledger.State;

/// <summary>A transaction that breaks a rule of the market; applying it changed nothing.</summary>
public sealed class RuleViolation : CairnException
{
    /// <summary>Creates the exception.</summary>
    public RuleViolation(string message)
        : base(ErrorCode.Conflict, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RuleViolation()
        : base(ErrorCode.Conflict, "Rule violation.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public RuleViolation(string message, Exception? innerException)
        : base(ErrorCode.Conflict, message, innerException)
    {
    }
}
