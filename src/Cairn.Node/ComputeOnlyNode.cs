using Cairn.Api;
using Cairn.Client;
using Cairn.Compute;
using Cairn.Compute.Executors;
using Cairn.Content.Storage;
using Cairn.Executors.Wasm;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Cairn.Ledger.Identity;
using Cairn.Ledger.Market;
using Cairn.Market;
using Cairn.Network;
using Cairn.Network.Channel;
using Cairn.Node.Remote;
using Cairn.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Node;

/// <summary>
/// A compute-only node (<c>cairn serve --join URL</c>): its content store, a compute node (wasm, noop) and
/// a Kestrel serving the content routes and trustless gateway, joined to an orchestrator by a
/// <see cref="ComputeDialer"/> whose outbox is a SQLite file in the home. No orchestrator, ledger or market.
/// </summary>
public sealed class ComputeOnlyNode : IAsyncDisposable
{
    private readonly NodeLock _lock;
    private readonly List<IAsyncDisposable> _parts;
    private readonly List<IDisposable> _disposables;
    private int _stopped;

    private ComputeOnlyNode(NodeHome home, NodeLock nodeLock, List<IAsyncDisposable> parts, List<IDisposable> disposables, ComputeDialer dialer, string did, Uri apiUrl)
    {
        Home = home;
        _lock = nodeLock;
        _parts = parts;
        _disposables = disposables;
        Dialer = dialer;
        NodeDid = did;
        ApiUrl = apiUrl;
    }

    /// <summary>The home's layout.</summary>
    public NodeHome Home { get; }

    /// <summary>The node's did:key (its node id).</summary>
    public string NodeDid { get; }

    /// <summary>Where its content routes and gateway listen.</summary>
    public Uri ApiUrl { get; }

    /// <summary>The connection to the orchestrator.</summary>
    public ComputeDialer Dialer { get; }

    internal static async Task<ComputeOnlyNode> StartAsync(NodeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var join = options.Join ?? throw new CairnException(ErrorCode.InvalidArgument, "A compute-only node needs the orchestrator's URL (--join URL).");
        if (join.Scheme != Uri.UriSchemeHttp && join.Scheme != Uri.UriSchemeHttps)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"--join '{join}' is not an http(s) URL.") { Hint = "Give the orchestrator's API URL, e.g. http://127.0.0.1:4780." };
        }

        var home = new NodeHome(options.Home);
        home.EnsureDirectories();
        var nodeLock = NodeLock.Acquire(home.LockPath);
        var parts = new List<IAsyncDisposable>();
        var disposables = new List<IDisposable>();
        try
        {
            var time = options.TimeProvider;
            ILoggerFactory loggers = options.ConsoleLogLevel is { } level
                ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level))
                : NullLoggerFactory.Instance;
            disposables.Add(loggers);
            var key = home.LoadOrCreateKey(NodeHome.NodeKey);
            disposables.Add(key);
            var content = ContentRepo.Open(home.Root);
            disposables.Add(content);
            IExecutor[] executors = [new NoopExecutor(), new WasmExecutor(), .. await CairnNode.DockerExecutorsAsync(options, disposables, cancellationToken)];
            var market = options.MarketEnabled ? await ConnectMarketAsync(join, key, time, loggers.CreateLogger<ComputeOnlyNode>(), disposables, cancellationToken) : null;
            var compute = new ComputeNode(
                new ComputeNodeOptions
                {
                    NodeId = NodeId.Parse(key.Did.Text),
                    Labels = options.Labels,
                    Capacity = options.Capacity ?? CairnNode.MachineCapacity(),
                    Prices = options.Prices,
                    WorkDirectory = home.ComputeDirectory,
                    AllowedLocalPaths = options.AllowedLocalPaths,
                    KeepWorkDirectories = options.KeepWorkDirectories,

                    // Inputs missing here come from the peers named, then from the orchestrator's own
                    // store: data added where the jobs are submitted reaches the node that runs them.
                    Peers = new Content.Exchange.StaticPeerSource([.. options.Peers, .. OrchestratorGateway(options.Join)]),
                },
                content,
                executors,
                key,
                time,
                loggers.CreateLogger<ComputeNode>(),
                market);
            await compute.StartAsync(cancellationToken);

            var api = BuildApi(home, options, content, compute);
            parts.Insert(0, api);
            await api.StartAsync(cancellationToken);
            var apiUrl = CairnNode.BoundUrl(api);

            // Stopping goes compute node, dialer, API: the executions the compute node cancels report into the outbox first.
            parts.Insert(0, compute);
            var outbox = SqliteOutbox.Open(home.OutboxPath);
            disposables.Insert(0, outbox);
            var dialer = new ComputeDialer(
                new ComputeDialerOptions
                {
                    Orchestrator = join,
                    GatewayUrl = apiUrl.ToString(),
                    HeartbeatInterval = options.Network.HeartbeatInterval,
                    SilenceTimeout = options.Network.LostTimeout,
                },
                compute,
                key,
                outbox,
                time,
                loggers.CreateLogger<ComputeDialer>());
            compute.Attach(dialer);
            parts.Insert(1, dialer);
            dialer.Start();
            return new ComputeOnlyNode(home, nodeLock, parts, disposables, dialer, key.Did.Text, apiUrl);
        }
        catch
        {
            await DisposeAllAsync(parts, disposables);
            nodeLock.Dispose();
            throw;
        }
    }

    /// <summary>Stops: the dialer hangs up, running executions are cancelled (their reports wait in the outbox), the API stops.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await DisposeAllAsync(_parts, _disposables);
        _lock.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task DisposeAllAsync(List<IAsyncDisposable> parts, List<IDisposable> disposables)
    {
        foreach (var part in parts)
        {
            await part.DisposeAsync();
        }

        foreach (var d in disposables)
        {
            d.Dispose();
        }
    }

    private static WebApplication BuildApi(NodeHome home, NodeOptions options, ContentRepo content, ComputeNode compute)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Cairn.Node",
            ContentRootPath = home.Root,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls(CairnNode.ListenUrl(options.ApiAddress));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.AddSingleton(content);
        builder.Services.AddSingleton<IBlockStore>(content.Blocks);
        builder.Services.AddSingleton<IExecutionLogs>(compute);
        builder.Services.AddCairnApi();
        var app = builder.Build();
        app.MapCairnContentApi();
        return app;
    }

    // The orchestrator serves the trustless gateway on its API address, like every node.
    private static Uri[] OrchestratorGateway(Uri? join) => join is null ? [] : [new Uri(join.GetLeftPart(UriPartial.Authority) + "/")];

    /// <summary>
    /// The provider's side of the market, on the orchestrator's ledger: the node signs its offer here and
    /// sends it over the API, so the orchestrator can open deals with it and settlement pays it there.
    /// Null (with a warning) when the orchestrator cannot be reached now: the node still starts and
    /// takes free jobs; paid ones will not place on it until it restarts with the orchestrator up.
    /// </summary>
    private static async Task<IMarket?> ConnectMarketAsync(Uri join, LedgerKey key, TimeProvider time, ILogger logger, List<IDisposable> disposables, CancellationToken cancellationToken)
    {
        var client = new CairnClient(new Uri(join.GetLeftPart(UriPartial.Authority) + "/"));
        disposables.Add(client);
        try
        {
            var ledger = await RemoteLedger.ConnectAsync(client, join, cancellationToken);
            var market = new LedgerMarket(ledger, key, time);
            disposables.Add(market);
            return market;
        }
        catch (CairnException e) when (e.Code is ErrorCode.ServiceUnavailable or ErrorCode.Timeout)
        {
            Log.NoOrchestratorLedger(logger, join, e.Message);
            return null;
        }
    }
}
