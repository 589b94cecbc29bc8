using Cairn.Jobs;
using Cairn.Market;

namespace Cairn.Node;

/// <summary>How an embedded node (<c>cairn serve</c>) is set up. Everything has a working default but <see cref="Home"/>.</summary>
public sealed record NodeOptions
{
    /// <summary>The default API address.</summary>
    public const string DefaultApiAddress = "127.0.0.1:4780";

    /// <summary>The node's data directory (keys, ledger, jobs, content store, compute work dirs).</summary>
    public required string Home { get; init; }

    /// <summary>
    /// Where the REST API listens: <c>HOST:PORT</c> or a URL (<c>http://HOST:PORT</c>). Port 0 picks a free
    /// port; the node reports the bound one.
    /// </summary>
    public string ApiAddress { get; init; } = DefaultApiAddress;

    /// <summary>Evaluation workers (scheduler passes run in parallel).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>The compute node's prices (published in its offer).</summary>
    public UsagePrices Prices { get; init; } = new(PerMegaFuel: 10, PerCpuSecond: 1, PerGbSecond: 1);

    /// <summary>The compute node's labels (matched by job constraints).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The compute node's capacity; null: measured from the machine (processors, memory, a disk allowance).</summary>
    public Resources? Capacity { get; init; }

    /// <summary>Host directories a job's <c>local</c> input sources may read from (empty: none).</summary>
    public IReadOnlyList<string> AllowedLocalPaths { get; init; } = [];

    /// <summary>The budget escrowed per execution when a job names none (0: jobs without a budget are free).</summary>
    public long DefaultBudget { get; init; } = 10_000;

    /// <summary>The provider's collateral per deal (its offer's minimum).</summary>
    public long MinCollateral { get; init; }

    /// <summary>Protocol fee on settlements in basis points, fixed in the ledger's genesis on first start.</summary>
    public long ProtocolFeeBps { get; init; } = 100;

    /// <summary>What the default client account is given at genesis.</summary>
    public long ClientAllocation { get; init; } = 1_000_000_000;

    /// <summary>What the provider account is given at genesis (for collateral).</summary>
    public long ProviderAllocation { get; init; } = 1_000_000;

    /// <summary>Whether deals are opened and settled on the ledger (off: every job is free and the ledger only holds the offer).</summary>
    public bool MarketEnabled { get; init; } = true;

    /// <summary>
    /// Peers' gateway base URLs (<c>http://host:port</c>), asked in order for the blocks of an
    /// <c>ipfs</c> input that this node lacks; every block is verified against its CID. Empty = none.
    /// </summary>
    public IReadOnlyList<Uri> Peers { get; init; } = [];

    /// <summary>Keep the compute work directories of finished executions (for debugging).</summary>
    public bool KeepWorkDirectories { get; init; }

    /// <summary>
    /// The container runtime's API socket for the <c>docker</c> engine (<c>unix:///path</c>); null: <c>$CAIRN_DOCKER_HOST</c>,
    /// else <c>$DOCKER_HOST</c>, else /run/podman/podman.sock, else /var/run/docker.sock. The engine is offered only
    /// when the runtime answers there at start.
    /// </summary>
    public string? DockerHost { get; init; }

    /// <summary>Scheduler tuning; null: the defaults.</summary>
    public Orchestrator.Scheduling.SchedulerOptions? Scheduler { get; init; }

    /// <summary>The clock; tests may pass their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The orchestrator to join (<c>cairn serve --join URL</c>): set, the node starts compute-only through
    /// <see cref="CairnNode.StartComputeOnlyAsync"/> (content store, compute node, gateway; no orchestrator, ledger or market).
    /// </summary>
    public Uri? Join { get; init; }

    /// <summary>Whether the embedded compute node takes work (off: an orchestrator for remote nodes only).</summary>
    public bool EmbeddedCompute { get; init; } = true;

    /// <summary>Which remote compute nodes the orchestrator admits.</summary>
    public Cairn.Network.Admission.AdmissionPolicy Admission { get; init; } = Cairn.Network.Admission.AdmissionPolicy.Open;

    /// <summary>DIDs always admitted (with the allow-list policy, the only ones besides approvals).</summary>
    public IReadOnlyList<string> AllowedNodes { get; init; } = [];

    /// <summary>Heartbeats and the lost-node timeout of remote compute connections (both sides).</summary>
    public Cairn.Network.ComputeHubOptions Network { get; init; } = new();

    /// <summary>How replicated pins are kept (null: defaults; the grace period and pin timeout come from <see cref="Network"/>).</summary>
    public Cairn.Orchestrator.Replication.ReplicationOptions? Replication { get; init; }

    /// <summary>Log to the console at this level and above; null: no logging.</summary>
    public Microsoft.Extensions.Logging.LogLevel? ConsoleLogLevel { get; init; }
}
