using Cairn.Market;

namespace Cairn.Jobs;

/// <summary>What a finished execution produced, as reported by its compute node.</summary>
public sealed record RunResult
{
    /// <summary>The task's exit code (0 = success).</summary>
    public int ExitCode { get; init; }

    /// <summary>Why it failed, when it did (the trap, the timeout...).</summary>
    public string? Error { get; init; }

    /// <summary>Each result path's name and the CID (text) of what was published for it.</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>CID of the captured standard output, if published.</summary>
    public string? StdoutCid { get; init; }

    /// <summary>CID of the captured standard error, if published.</summary>
    public string? StderrCid { get; init; }

    /// <summary>CID of the node's signed receipt, if any.</summary>
    public string? ReceiptCid { get; init; }

    /// <summary>Metered usage (Wasm fuel, CPU-milliseconds, GB-milliseconds).</summary>
    public Usage Usage { get; init; } = new(0, 0, 0);

    /// <summary>Where each input came from and the bytes moved to get it, in InputSources order.</summary>
    public IReadOnlyList<InputOrigin> Inputs { get; init; } = [];

    /// <summary>The node's signed usage report for the execution's deal (null without a deal).</summary>
    public SignedUsageReport? UsageReport { get; init; }
}
