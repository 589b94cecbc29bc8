namespace Cairn;

/// <summary>
/// The kind of an expected failure. The API maps each code to an HTTP status and a problem type,
/// the client rebuilds the <see cref="CairnException"/> from it, and the CLI maps it to an exit code.
/// </summary>
public enum ErrorCode
{
    /// <summary>An unexpected internal failure.</summary>
    Internal = 0,

    /// <summary>A command-line usage error or an invalid argument value.</summary>
    InvalidArgument,

    /// <summary>Input that does not follow its format (a CID string, a CAR file, a block, a spec...).</summary>
    InvalidInput,

    /// <summary>Stored or received data that does not hash to its content identifier.</summary>
    IntegrityViolation,

    /// <summary>A thing that was asked for does not exist (a block, a path, a job...).</summary>
    NotFound,

    /// <summary>A well-formed input that uses a feature this build does not support.</summary>
    Unsupported,

    /// <summary>The operation conflicts with the current state (e.g. removing a pin that does not exist).</summary>
    Conflict,

    /// <summary>A file-system or device error.</summary>
    IoError,

    /// <summary>A service (a node, an orchestrator) cannot be reached or refused the call.</summary>
    ServiceUnavailable,

    /// <summary>The operation was cancelled or ran past its time limit.</summary>
    Timeout,
}
