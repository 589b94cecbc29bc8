using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Compute.Receipts;

/// <summary>
/// What a compute node attests about one execution: the job and execution, the engine and module,
/// the input and output CIDs, stdout/stderr, exit code, usage and times. Stored as a signed DAG-CBOR
/// block (see <see cref="ReceiptCodec"/>) whose CID is the execution's receipt CID.
/// </summary>
public sealed record Receipt
{
    /// <summary>The receipt format version (1).</summary>
    public int Version { get; init; } = 1;

    /// <summary>The job id.</summary>
    public required string Job { get; init; }

    /// <summary>The execution id.</summary>
    public required string Execution { get; init; }

    /// <summary>The node's <c>did:key</c>, which signs the receipt.</summary>
    public required string Node { get; init; }

    /// <summary>The engine that ran (<c>wasm</c>, <c>noop</c>, ...).</summary>
    public required string Engine { get; init; }

    /// <summary>The entry module (or other main engine artifact), if the engine has one.</summary>
    public Cid? Module { get; init; }

    /// <summary>The inputs as mounted.</summary>
    public IReadOnlyList<ReceiptInput> Inputs { get; init; } = [];

    /// <summary>The published result paths.</summary>
    public IReadOnlyList<ReceiptOutput> Outputs { get; init; } = [];

    /// <summary>The published stdout.</summary>
    public required Cid Stdout { get; init; }

    /// <summary>The published stderr.</summary>
    public required Cid Stderr { get; init; }

    /// <summary>The task's exit code.</summary>
    public int ExitCode { get; init; }

    /// <summary>Why the task failed, or null.</summary>
    public string? Error { get; init; }

    /// <summary>What the task used.</summary>
    public Usage Usage { get; init; } = new(0, 0, 0);

    /// <summary>The deal this execution ran under, or null.</summary>
    public string? Deal { get; init; }

    /// <summary>When the task started, in Unix milliseconds.</summary>
    public long StartedAt { get; init; }

    /// <summary>When the task finished, in Unix milliseconds.</summary>
    public long FinishedAt { get; init; }
}
