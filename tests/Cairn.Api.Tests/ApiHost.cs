using Cairn.Api;
using Cairn.Client;
using Cairn.Content.Storage;
using Cairn.Jobs.Execution;
using Cairn.Jobs.Specs;
using Cairn.Ledger;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Market;
using Cairn.Orchestrator;
using Cairn.Orchestrator.Ranking;
using Cairn.Orchestrator.Scheduling;
using Cairn.Orchestrator.Store;
using Cairn.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.Api.Tests;

/// <summary>
/// A real node front end for the tests: Kestrel on 127.0.0.1:0 (a WebApplication, not TestServer)
/// over a SQLite job store, the real orchestrator and evaluation worker, a real EmbeddedLedger and
/// a real content repo in a temp dir, with <see cref="InProcessComputeNode"/> as the only compute node.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly CancellationTokenSource _stop = new();
    private WebApplication? _app;
    private Task? _worker;

    private ApiHost()
    {
    }

    public CairnClient Client { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public ContentRepo Repo { get; private set; } = null!;

    public EmbeddedLedger Ledger { get; private set; } = null!;

    public SqliteJobStore Store { get; private set; } = null!;

    public InProcessComputeNode Compute { get; private set; } = null!;

    /// <summary>Every endpoint the app mapped.</summary>
    public IReadOnlyList<Microsoft.AspNetCore.Http.Endpoint> Endpoints =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app!).DataSources.SelectMany(s => s.Endpoints).ToList();

    public LedgerKey Producer { get; } = LedgerKey.Generate();

    public LedgerKey Alice { get; } = LedgerKey.Generate();

    public LedgerKey Bob { get; } = LedgerKey.Generate();

    public string TempPath(string name) => _dir.Combine(name);

    public static async Task<ApiHost> StartAsync(bool withLedger = true, bool withValidator = true, Action<CairnApiOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var host = new ApiHost();
        await host.StartCoreAsync(withLedger, withValidator, configure, cancellationToken);
        return host;
    }

    private async Task StartCoreAsync(bool withLedger, bool withValidator, Action<CairnApiOptions>? configure, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        Repo = ContentRepo.Open(_dir.Combine("repo"));
        Store = await SqliteJobStore.OpenAsync(_dir.Combine("jobs.db"), time, cancellationToken);
        var validator = new JobSpecValidator(["noop", "wasm"]);
        var orchestrator = new JobOrchestrator(Store, validator, time);
        Compute = new InProcessComputeNode(Repo) { Callback = orchestrator };
        var nodes = new InMemoryNodeDirectory();
        nodes.Add(Compute);
        var options = new SchedulerOptions();
        var scheduler = new JobScheduler(Store, nodes, NodeSelector.Default, options, time);
        var worker = new EvaluationWorker(Store, scheduler, options, time, "api-test");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddCairnApi(configure);
        builder.Services.AddSingleton<IJobStore>(Store);
        builder.Services.AddSingleton(orchestrator);
        if (withValidator)
        {
            builder.Services.AddSingleton(validator);
        }

        builder.Services.AddSingleton<INodeDirectory>(nodes);
        builder.Services.AddSingleton<IExecutionLogs>(Compute);
        builder.Services.AddSingleton<IBlockStore>(Repo.Blocks);
        if (withLedger)
        {
            var genesis = new GenesisConfig(
                "cairn-api-test",
                Producer.Did.Text,
                Producer.Did.Text,
                [Producer.Did.Text],
                0,
                0,
                new SortedDictionary<string, long>(StringComparer.Ordinal) { [Alice.Did.Text] = 5000, [Bob.Did.Text] = 3000, [Producer.Did.Text] = 1000 },
                1_700_000_000_000);
            Ledger = EmbeddedLedger.Open(_dir.Combine("ledger.db"), Producer, genesis);
            builder.Services.AddSingleton<ILedger>(Ledger);
        }

        _app = builder.Build();
        _app.MapCairnApi();
        await _app.StartAsync(cancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = new CairnClient(BaseAddress);
        _worker = Task.Run(() => worker.RunAsync(_stop.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_worker is not null)
        {
            try
            {
                await _worker;
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (Compute is not null)
        {
            await Compute.DrainAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Client?.Dispose();
        if (Ledger is not null)
        {
            await Ledger.DisposeAsync();
        }

        Store?.Dispose();
        Repo?.Dispose();
        _stop.Dispose();
        _dir.Dispose();
    }
}
