using Cairn.Ledger.Identity;
using Cairn.Ledger.State;

namespace Cairn.Node;

/// <summary>
/// The layout of a node's home directory. The content store lives at the home's root (the same
/// home <c>cairn add</c> uses, so a CID added there can be a job's input at once); the rest is:
/// <c>keys/</c> (orchestrator, treasury, node, client), <c>ledger/ledger.db</c>, <c>jobs/jobs.db</c>,
/// <c>compute/</c> (execution work directories) and <c>node.lock</c> (held while a node runs).
/// </summary>
public sealed class NodeHome
{
    /// <summary>The ledger producer and the orchestrator allowed to open and settle deals.</summary>
    public const string OrchestratorKey = "orchestrator";

    /// <summary>The treasury: receives protocol fees.</summary>
    public const string TreasuryKey = "treasury";

    /// <summary>The compute node: the provider named in deals.</summary>
    public const string NodeKey = "node";

    /// <summary>The default client: pays for jobs that name no client.</summary>
    public const string ClientKey = "client";

    /// <summary>The chain name in a new home's genesis.</summary>
    public const string ChainName = "cairn-local";

    /// <summary>Describes the layout of <paramref name="home"/> (nothing is created).</summary>
    public NodeHome(string home)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        Root = Path.GetFullPath(home);
        Keys = new KeyStore(Root);
    }

    /// <summary>The home directory.</summary>
    public string Root { get; }

    /// <summary>The home's key store.</summary>
    public KeyStore Keys { get; }

    /// <summary>The ledger file.</summary>
    public string LedgerPath => Path.Combine(Root, "ledger", "ledger.db");

    /// <summary>The job store file.</summary>
    public string JobsPath => Path.Combine(Root, "jobs", "jobs.db");

    /// <summary>Where compute work directories go.</summary>
    public string ComputeDirectory => Path.Combine(Root, "compute");

    /// <summary>A compute-only node's outbox: reports kept until the orchestrator acknowledges them.</summary>
    public string OutboxPath => Path.Combine(Root, "network", "outbox.db");

    /// <summary>An orchestrator's replicated pins and who holds them.</summary>
    public string ReplicasPath => Path.Combine(Root, "jobs", "replicas.db");

    /// <summary>An orchestrator's admission decisions about remote compute nodes.</summary>
    public string AdmissionPath => Path.Combine(Root, "network", "admission.json");

    /// <summary>The lock file a running node holds.</summary>
    public string LockPath => Path.Combine(Root, "node.lock");

    /// <summary>True before the first start (no ledger yet).</summary>
    public bool IsNew => !File.Exists(LedgerPath);

    /// <summary>Loads a role's key, creating it (unsealed: the node must start unattended) when the home has none.</summary>
    public LedgerKey LoadOrCreateKey(string name) => Keys.Exists(name) ? Keys.Load(name) : Keys.Create(name);

    /// <summary>The genesis a new home's ledger starts from: allocations for the client and the provider, the fee rate.</summary>
    public static GenesisConfig Genesis(string orchestrator, string treasury, string provider, string client, NodeOptions options, long timeMs)
    {
        ArgumentNullException.ThrowIfNull(options);
        var allocations = new Dictionary<string, long>(StringComparer.Ordinal);
        if (options.ClientAllocation > 0)
        {
            allocations[client] = options.ClientAllocation;
        }

        if (options.ProviderAllocation > 0)
        {
            allocations[provider] = options.ProviderAllocation;
        }

        return new GenesisConfig(ChainName, orchestrator, treasury, [orchestrator], options.ProtocolFeeBps, 2000, allocations, timeMs);
    }

    /// <summary>Creates the directories a node writes to.</summary>
    public void EnsureDirectories()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Path.GetDirectoryName(LedgerPath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(JobsPath)!);
        Directory.CreateDirectory(ComputeDirectory);
    }
}
