using Cairn.Content.Exchange;
using Cairn.Jobs;
using Cairn.Market;

namespace Cairn.Compute;

/// <summary>How a compute node is configured: who it is, what it offers, where it works.</summary>
public sealed record ComputeNodeOptions
{
    /// <summary>The node's id as the orchestrator knows it.</summary>
    public required NodeId NodeId { get; init; }

    /// <summary>Labels matched by job constraints (e.g. <c>region=eu</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>What the node can run at once; bids reserve from it.</summary>
    public Resources Capacity { get; init; } = new() { CpuMillis = 2000, MemoryBytes = 2L << 30, DiskBytes = 10L << 30 };

    /// <summary>The node's prices.</summary>
    public UsagePrices Prices { get; init; } = new(1, 0, 0);

    /// <summary>The id of the node's offer on the market.</summary>
    public string OfferId { get; init; } = "default";

    /// <summary>The smallest collateral the node locks per deal.</summary>
    public long MinCollateral { get; init; }

    /// <summary>The region named in the offer.</summary>
    public string Region { get; init; } = "local";

    /// <summary>Where executions get their work directories (inputs, outputs, logs).</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>Host directories that <c>local</c> inputs may read from (after resolving symlinks); empty = none.</summary>
    public IReadOnlyList<string> AllowedLocalPaths { get; init; } = [];

    /// <summary>The most bytes a <c>url</c> input may download.</summary>
    public long MaxUrlBytes { get; init; } = 1L << 30;

    /// <summary>
    /// The peers whose trustless gateways an <c>ipfs</c> input's missing blocks are fetched from
    /// (verified against their CIDs); null = inputs must already be in the node's store.
    /// </summary>
    public IPeerSource? Peers { get; init; }

    /// <summary>Where this node's trustless gateway listens, as peers reach it; null when unknown.</summary>
    public string? GatewayUrl { get; init; }

    /// <summary>Limits for fetching from <see cref="Peers"/>.</summary>
    public GatewayFetcherOptions Fetch { get; init; } = new();

    /// <summary>The most bytes of stdout (and of stderr) kept per execution; the rest is counted and noted.</summary>
    public long MaxLogBytes { get; init; } = 16L << 20;

    /// <summary>Keep each execution's work directory after publishing (for debugging).</summary>
    public bool KeepWorkDirectories { get; init; }

    /// <summary>How long an accepted bid holds its resources before the orchestrator confirms it.</summary>
    public TimeSpan ReservationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a failed state report to the orchestrator is retried before it is logged and dropped.</summary>
    public int ReportAttempts { get; init; } = 5;
}
