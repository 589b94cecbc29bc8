using System.Globalization;
using Cairn.Api;
using Cairn.Compute;
using Cairn.Compute.Executors;
using Cairn.Executors.Docker;
using Cairn.Executors.Wasm;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Cairn.Jobs.Specs;
using Cairn.Ledger;
using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.Market;
using Cairn.Market;
using Cairn.Network;
using Cairn.Network.Admission;
using Cairn.Orchestrator;
using Cairn.Orchestrator.Ranking;
using Cairn.Orchestrator.Replication;
using Cairn.Orchestrator.Scheduling;
using Cairn.Orchestrator.Store;
using Cairn.Content.Storage;
using Cairn.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Node;

/// <summary>
/// The embedded node (<c>cairn serve</c>): ledger, market, content store, job store, orchestrator
/// and its evaluation workers, an in-process compute node, and the REST API, in one process over
/// one home. The composition root: the only place that knows which plug-ins exist.
/// </summary>
public sealed class CairnNode : IAsyncDisposable
{
    private readonly NodeLock _lock;
    private readonly List<IDisposable> _disposables;
    private readonly EmbeddedLedger _ledger;
    private readonly SqliteJobStore _jobs;
    private readonly ContentRepo _content;
    private readonly ComputeNode _compute;
    private readonly WorkerPool _workers;
    private readonly WebApplication _api;
    private readonly ComputeHub _hub;
    private readonly ReplicationManager _replication;
    private int _stopped;

    private CairnNode(NodeStartup s)
    {
        _lock = s.Lock!;
        _disposables = s.Disposables;
        _ledger = s.Ledger!;
        _jobs = s.Jobs!;
        _content = s.Content!;
        _compute = s.Compute!;
        _workers = s.Workers!;
        _api = s.Api!;
        _hub = s.Hub!;
        _replication = s.Replication!;
        Home = s.Home!;
        Orchestrator = s.Orchestrator!;
        NodeDid = s.NodeDid!;
        ClientDid = s.ClientDid!;
        TreasuryDid = s.TreasuryDid!;
        OrchestratorDid = s.OrchestratorDid!;
        ApiUrl = s.ApiUrl!;
    }

    /// <summary>The node's home layout.</summary>
    public NodeHome Home { get; }

    /// <summary>The API's base URL as bound (with the real port when port 0 was asked for).</summary>
    public Uri ApiUrl { get; }

    /// <summary>The compute node's did:key (the provider account; also its node id).</summary>
    public string NodeDid { get; }

    /// <summary>The default client's did:key (pays for jobs that name no client).</summary>
    public string ClientDid { get; }

    /// <summary>The treasury's did:key (receives protocol fees).</summary>
    public string TreasuryDid { get; }

    /// <summary>The orchestrator's did:key (ledger producer, opens and settles deals).</summary>
    public string OrchestratorDid { get; }

    /// <summary>The orchestrator (submit, stop).</summary>
    public JobOrchestrator Orchestrator { get; }

    /// <summary>The ledger.</summary>
    public ILedger Ledger => _ledger;

    /// <summary>The remote compute nodes' hub (<c>/api/v1/compute/connect</c>).</summary>
    public ComputeHub Hub => _hub;

    /// <summary>The job store.</summary>
    public IJobStore Jobs => _jobs;

    /// <summary>The content store.</summary>
    public ContentRepo Content => _content;

    /// <summary>
    /// Starts a node on <see cref="NodeOptions.Home"/>: takes the home's lock (a second node on the same
    /// home is refused), creates the keys and the ledger's genesis on first start, publishes the compute
    /// node's offer, recovers what a previous run left unfinished, and starts the workers and the API.
    /// </summary>
    public static async Task<CairnNode> StartAsync(NodeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var s = new NodeStartup { Home = new NodeHome(options.Home) };
        try
        {
            await StartPartsAsync(s, options, cancellationToken);
            return new CairnNode(s);
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops gracefully: the API stops taking requests, workers finish their pass, the compute node stops, the ledger flushes.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _hub.DisposeAsync();
        await _replication.DisposeAsync();
        await _api.StopAsync(cancellationToken);
        await _api.DisposeAsync();
        await _workers.DisposeAsync();
        await _compute.DisposeAsync();
        await _ledger.DisposeAsync();
        _jobs.Dispose();
        _content.Dispose();
        foreach (var d in _disposables)
        {
            d.Dispose();
        }

        _lock.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    /// <summary>
    /// Starts a compute-only node that joins the orchestrator at <see cref="NodeOptions.Join"/>: content store,
    /// compute node and its trustless gateway on <see cref="NodeOptions.ApiAddress"/>, and the dialer. No
    /// orchestrator, ledger or market here (deals stay on the orchestrator; executions run under the terms it sends).
    /// </summary>
    public static Task<ComputeOnlyNode> StartComputeOnlyAsync(NodeOptions options, CancellationToken cancellationToken) =>
        ComputeOnlyNode.StartAsync(options, cancellationToken);

    /// <summary>The machine's resources as the compute node offers them: every processor, the memory the GC sees, a disk allowance.</summary>
    public static Resources MachineCapacity()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return new Resources
        {
            CpuMillis = Environment.ProcessorCount * 1000L,
            MemoryBytes = memory > 0 ? memory : 1L << 30,
            DiskBytes = 10L << 30,
            Gpu = 0,
        };
    }

    private static void Validate(NodeOptions options)
    {
        if (options.Workers is < 1 or > 64)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"--workers must be between 1 and 64, not {options.Workers}.");
        }

        if (options.DefaultBudget < 0 || options.MinCollateral < 0 || options.ProtocolFeeBps is < 0 or > 10_000)
        {
            throw new CairnException(ErrorCode.InvalidArgument, "The default budget and collateral must not be negative, and the protocol fee must be 0-10000 basis points.");
        }
    }

    private static async Task StartPartsAsync(NodeStartup s, NodeOptions options, CancellationToken cancellationToken)
    {
        var home = s.Home!;
        var time = options.TimeProvider;
        home.EnsureDirectories();
        s.Lock = NodeLock.Acquire(home.LockPath);
        s.LoggerFactory = options.ConsoleLogLevel is { } level
            ? Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level))
            : NullLoggerFactory.Instance;
        s.Disposables.Add(s.LoggerFactory);

        var orchestratorKey = Track(s, home.LoadOrCreateKey(NodeHome.OrchestratorKey));
        var treasuryKey = Track(s, home.LoadOrCreateKey(NodeHome.TreasuryKey));
        var nodeKey = Track(s, home.LoadOrCreateKey(NodeHome.NodeKey));
        var clientKey = Track(s, home.LoadOrCreateKey(NodeHome.ClientKey));
        s.OrchestratorDid = orchestratorKey.Did.Text;
        s.TreasuryDid = treasuryKey.Did.Text;
        s.NodeDid = nodeKey.Did.Text;
        s.ClientDid = clientKey.Did.Text;

        var genesis = NodeHome.Genesis(s.OrchestratorDid, s.TreasuryDid, s.NodeDid, s.ClientDid, options, time.GetUtcNow().ToUnixTimeMilliseconds());
        s.Ledger = EmbeddedLedger.Open(home.LedgerPath, orchestratorKey, home.IsNew ? genesis : null, new LedgerOptions { TimeProvider = time, BlockInterval = TimeSpan.Zero });
        await EnsureApprovalAsync(s.Ledger, clientKey, s.OrchestratorDid, cancellationToken);

        s.Content = ContentRepo.Open(home.Root);
        s.Jobs = await SqliteJobStore.OpenAsync(home.JobsPath, time, cancellationToken);

        IExecutor[] executors = [new NoopExecutor(), new WasmExecutor(), .. await DockerExecutorsAsync(options, s.Disposables, cancellationToken)];
        // An orchestrator that runs nothing itself accepts every engine this build knows: remote nodes
        // bring their own (a docker job waits for a node with docker, as a job waits for any capacity).
        var validator = new JobSpecValidator(options.EmbeddedCompute ? executors.Select(e => e.Engine) : KnownEngines);
        s.Orchestrator = new JobOrchestrator(s.Jobs, validator, time);

        var nodeId = NodeId.Parse(s.NodeDid);
        var nodeMarket = new LedgerMarket(s.Ledger, nodeKey, time);
        s.Compute = new ComputeNode(
            new ComputeNodeOptions
            {
                NodeId = nodeId,
                Labels = options.Labels,
                Capacity = options.Capacity ?? MachineCapacity(),
                Prices = options.Prices,
                OfferId = "default",
                MinCollateral = options.MinCollateral,
                WorkDirectory = home.ComputeDirectory,
                AllowedLocalPaths = options.AllowedLocalPaths,
                KeepWorkDirectories = options.KeepWorkDirectories,
                Peers = options.Peers.Count == 0 ? null : new Content.Exchange.StaticPeerSource(options.Peers),
            },
            s.Content,
            executors,
            nodeKey,
            time,
            s.LoggerFactory.CreateLogger<ComputeNode>(),
            nodeMarket);

        var directory = new InMemoryNodeDirectory();
        // Executions on remote nodes survive an orchestrator restart: give the nodes a lost timeout to dial in.
        var schedulerOptions = options.Scheduler ?? new SchedulerOptions();
        schedulerOptions = schedulerOptions with { ReconnectGrace = schedulerOptions.ReconnectGrace ?? options.Network.LostTimeout };
        var market = options.MarketEnabled ? new LedgerMarket(s.Ledger, orchestratorKey, time) : null;
        var scheduler = new JobScheduler(
            s.Jobs,
            directory,
            NodeSelector.Default,
            schedulerOptions,
            time,
            market,
            new MarketOptions { DefaultClient = s.ClientDid, DefaultBudget = options.DefaultBudget });
        var workers = new List<EvaluationWorker>();
        for (var i = 0; i < options.Workers; i++)
        {
            workers.Add(new EvaluationWorker(s.Jobs, scheduler, schedulerOptions, time, "worker-" + (i + 1).ToString(CultureInfo.InvariantCulture), s.LoggerFactory.CreateLogger<EvaluationWorker>()));
        }

        s.Workers = new WorkerPool(workers, s.Orchestrator, schedulerOptions.PollInterval);
        s.Compute.Attach(s.Workers);
        await s.Compute.StartAsync(cancellationToken);
        if (options.EmbeddedCompute)
        {
            directory.Add(s.Compute);
        }

        // Remote compute nodes (`cairn serve --join`) dial in; the hub adds them to the same directory.
        var admission = new NodeAdmission(options.Admission, options.AllowedNodes, home.AdmissionPath, time);
        s.Hub = new ComputeHub(options.Network, admission, s.Workers, new DirectorySink(directory, s.Orchestrator, s.Workers), time, s.LoggerFactory.CreateLogger<ComputeHub>());

        // Replicated pins (`cairn pin add CID --replicas N`): a holder away longer than a lost node's
        // timeout is replaced, so a restart of this process does not re-replicate what is only reconnecting.
        var replicas = SqliteReplicaStore.Open(home.ReplicasPath);
        s.Disposables.Add(replicas);
        s.Replication = new ReplicationManager(
            replicas,
            directory,
            (options.Replication ?? new ReplicationOptions()) with { MissingGrace = options.Network.LostTimeout, PinTimeout = options.Network.PinTimeout },
            time,
            s.LoggerFactory.CreateLogger<ReplicationManager>());

        // Whatever a previous run left on this node died with it: fail those executions and look at
        // every unfinished job and unsettled deal again, before the workers start.
        await s.Orchestrator.RecoverAsync([nodeId], cancellationToken);
        s.Workers.Start();

        s.Api = BuildApi(s, options, directory);
        await s.Api.StartAsync(cancellationToken);
        s.ApiUrl = BoundUrl(s.Api);
        s.Hub.Start();
        s.Replication.Start();
    }

    private static WebApplication BuildApi(NodeStartup s, NodeOptions options, INodeDirectory directory)
    {
        // No appsettings reload: a reloading JSON source watches the content root (the node's home)
        // recursively, and every block, ledger page and execution directory written under it then
        // woke a watcher thread: 7% of the node's CPU at full load (bench/loop-bench.sh under perf).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Cairn.Node",
            ContentRootPath = s.Home!.Root,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls(ListenUrl(options.ApiAddress));
        builder.Logging.ClearProviders();
        if (options.ConsoleLogLevel is { } level)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level);
        }

        var services = builder.Services;
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton<IJobStore>(s.Jobs!);
        services.AddSingleton(s.Orchestrator!);
        services.AddSingleton(directory);
        services.AddSingleton<ILedger>(s.Ledger!);
        services.AddSingleton(s.Content!);
        services.AddSingleton<IBlockStore>(s.Content!.Blocks);
        services.AddSingleton<IExecutionLogs>(s.Compute!);
        services.AddSingleton(s.Hub!);
        services.AddSingleton(s.Replication!);

        // Results live on the compute node that ran the job; this gateway fetches what it lacks from them.
        services.AddSingleton(new Content.Exchange.GatewayFetcher(Track(s, new HttpClient()), new Remote.HubPeerSource(s.Hub!)));
        services.AddCairnApi();
        var app = builder.Build();

        // A submit or stop queues an evaluation: wake an idle worker at once instead of leaving the
        // job to the next poll (the poll interval would otherwise be most of a short job's latency).
        var workers = s.Workers!;
        app.Use(async (context, next) =>
        {
            await next(context);
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                workers.Pulse();
            }
        });
        app.MapCairnApi();
        return app;
    }

    /// <summary>
    /// The docker executor when a container runtime answers at <see cref="NodeOptions.DockerHost"/>, else none,
    /// so a machine without one still starts (a compute-only node offers it the same way).
    /// </summary>
    private static readonly string[] KnownEngines = [NoopExecutor.EngineName, WasmExecutor.EngineName, DockerExecutor.EngineName];

    internal static async Task<IExecutor[]> DockerExecutorsAsync(NodeOptions options, ICollection<IDisposable> disposables, CancellationToken cancellationToken)
    {
        var docker = await DockerExecutor.ConnectAsync(options.DockerHost, TimeSpan.FromSeconds(5), options.TimeProvider, cancellationToken);
        if (docker is null)
        {
            return [];
        }

        disposables.Add(docker);
        return [docker];
    }

    private static async Task EnsureApprovalAsync(EmbeddedLedger ledger, LedgerKey client, string orchestrator, CancellationToken cancellationToken)
    {
        // Checked on every start, not only the first: a crash between genesis and this transaction heals here.
        if (ledger.GetAllowance(client.Did.Text, orchestrator) > 0)
        {
            return;
        }

        var nonce = await ledger.GetNextNonceAsync(client.Did.Text, cancellationToken);
        var body = MarketTransactions.Approve(client.Did.Text, nonce, orchestrator, long.MaxValue);
        var receipt = await ledger.SubmitAsync(TransactionCodec.Sign(body, ledger.Chain, client), cancellationToken);
        _ = receipt;
    }

    internal static string ListenUrl(string address)
    {
        var text = address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"'{address}' is not an API address.")
            {
                Hint = "Give HOST:PORT (e.g. 127.0.0.1:4780, port 0 for any free port) or http://HOST:PORT.",
            };
        }

        return $"http://{uri.Authority}";
    }

    internal static Uri BoundUrl(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new CairnException(ErrorCode.Internal, "The API did not report the address it listens on.");
        return new Uri(first.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    private static T Track<T>(NodeStartup s, T disposable)
        where T : IDisposable
    {
        s.Disposables.Add(disposable);
        return disposable;
    }

    /// <summary>The parts built so far, so a start that fails midway releases exactly those.</summary>
    private sealed class NodeStartup : IAsyncDisposable
    {
        public NodeHome? Home { get; init; }

        public NodeLock? Lock { get; set; }

        public List<IDisposable> Disposables { get; } = [];

        public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

        public EmbeddedLedger? Ledger { get; set; }

        public ContentRepo? Content { get; set; }

        public SqliteJobStore? Jobs { get; set; }

        public JobOrchestrator? Orchestrator { get; set; }

        public ComputeNode? Compute { get; set; }

        public WorkerPool? Workers { get; set; }

        public ComputeHub? Hub { get; set; }

        public ReplicationManager? Replication { get; set; }

        public WebApplication? Api { get; set; }

        public Uri? ApiUrl { get; set; }

        public string? NodeDid { get; set; }

        public string? ClientDid { get; set; }

        public string? TreasuryDid { get; set; }

        public string? OrchestratorDid { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Hub is not null)
            {
                await Hub.DisposeAsync();
            }

            if (Replication is not null)
            {
                await Replication.DisposeAsync();
            }

            if (Api is not null)
            {
                await Api.DisposeAsync();
            }

            if (Workers is not null)
            {
                await Workers.DisposeAsync();
            }

            if (Compute is not null)
            {
                await Compute.DisposeAsync();
            }

            if (Ledger is not null)
            {
                await Ledger.DisposeAsync();
            }

            Jobs?.Dispose();
            Content?.Dispose();
            foreach (var d in Disposables)
            {
                d.Dispose();
            }

            Lock?.Dispose();
        }
    }
}
