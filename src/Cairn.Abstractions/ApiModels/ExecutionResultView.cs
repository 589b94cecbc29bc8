using Cairn.Jobs;

namespace Cairn.ApiModels;

/// <summary>What one execution produced: outputs by result-path name, captured streams, the receipt.</summary>
public sealed record ExecutionResultView
{
    /// <summary>The execution.</summary>
    public required string ExecutionID { get; init; }

    /// <summary>The node that ran it.</summary>
    public required string NodeID { get; init; }

    /// <summary>Its state.</summary>
    public ExecutionState State { get; init; }

    /// <summary>Exit code.</summary>
    public int ExitCode { get; init; }

    /// <summary>Why it failed, if it did.</summary>
    public string? Error { get; init; }

    /// <summary>Result-path name → root CID of what was published.</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>CID of the captured stdout.</summary>
    public string? StdoutCID { get; init; }

    /// <summary>CID of the captured stderr.</summary>
    public string? StderrCID { get; init; }

    /// <summary>CID of the signed receipt.</summary>
    public string? ReceiptCID { get; init; }

    /// <summary>The captured stdout as text when it is small (the CID always names all of it).</summary>
    public string? Stdout { get; init; }

    /// <summary>The captured stderr as text when it is small.</summary>
    public string? Stderr { get; init; }
}
