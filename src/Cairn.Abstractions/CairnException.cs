namespace Cairn;

/// <summary>
/// An expected failure with a machine-readable <see cref="ErrorCode"/>, a message that says what
/// was wrong and where, and an optional <see cref="Hint"/> that tells the user what to do next.
/// </summary>
public class CairnException : Exception
{
    /// <summary>Creates an exception with a code and message.</summary>
    public CairnException(ErrorCode code, string message)
        : base(message) => Code = code;

    /// <summary>Creates an exception with a code, message and the failure that caused it.</summary>
    public CairnException(ErrorCode code, string message, Exception? innerException)
        : base(message, innerException) => Code = code;

    /// <summary>Creates an internal error (prefer the constructors that take a code).</summary>
    public CairnException()
        : this(ErrorCode.Internal, "Internal error.")
    {
    }

    /// <summary>Creates an internal error (prefer the constructors that take a code).</summary>
    public CairnException(string message)
        : this(ErrorCode.Internal, message)
    {
    }

    /// <summary>Creates an internal error (prefer the constructors that take a code).</summary>
    public CairnException(string message, Exception? innerException)
        : this(ErrorCode.Internal, message, innerException)
    {
    }

    /// <summary>The kind of failure.</summary>
    public ErrorCode Code { get; }

    /// <summary>What the user can do about it, printed as <c>Hint: ...</c> by the CLI.</summary>
    public string? Hint { get; init; }
}
