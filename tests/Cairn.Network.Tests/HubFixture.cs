using System.Collections.Concurrent;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Ledger.Identity;
using Cairn.Multiformats;
using Cairn.Network.Admission;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Network.Tests;

/// <summary>A real Kestrel on 127.0.0.1:0 serving a <see cref="ComputeHub"/> at the connect path, recording what reaches the orchestrator.</summary>
internal sealed class HubFixture : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HubFixture(WebApplication app, ComputeHub hub, Uri url, RecordingCallback reports, RecordingSink sink)
    {
        _app = app;
        Hub = hub;
        Url = url;
        Reports = reports;
        Sink = sink;
    }

    public ComputeHub Hub { get; }

    public Uri Url { get; }

    public RecordingCallback Reports { get; }

    public RecordingSink Sink { get; }

    public static async Task<HubFixture> StartAsync(ComputeHubOptions options, NodeAdmission admission, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var reports = new RecordingCallback();
        var sink = new RecordingSink();
        var hub = new ComputeHub(options, admission, reports, sink, TimeProvider.System, NullLogger.Instance);
        app.UseWebSockets();
        app.Map("/" + ComputeDialerOptions.ConnectPath, async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await hub.AcceptAsync(socket, context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hub.Start();
        return new HubFixture(app, hub, new Uri(address + "/"), reports, sink);
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Counts Completed reports per execution.</summary>
    internal sealed class RecordingCallback : IComputeCallback
    {
        public ConcurrentDictionary<ExecutionId, int> Completed { get; } = new();

        public Task ReportAsync(ExecutionReport report, CancellationToken cancellationToken = default)
        {
            if (report.State == ExecutionState.Completed)
            {
                Completed.AddOrUpdate(report.ExecutionId, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        }
    }

    internal sealed class RecordingSink : IRemoteNodeSink
    {
        public ConcurrentQueue<(RemoteComputeNode Node, bool Restarted)> Ready { get; } = new();

        public ConcurrentQueue<NodeId> Lost { get; } = new();

        public Task NodeReadyAsync(RemoteComputeNode node, bool restarted, CancellationToken cancellationToken)
        {
            Ready.Enqueue((node, restarted));
            return Task.CompletedTask;
        }

        public Task NodeLostAsync(NodeId id, CancellationToken cancellationToken)
        {
            Lost.Enqueue(id);
            return Task.CompletedTask;
        }
    }
}

/// <summary>A compute node that completes every accepted execution at once (a fake: the real ComputeNode is tested in Cairn.Compute.Tests).</summary>
internal sealed class InstantComputeNode(LedgerKey key) : IComputeNode
{
    private readonly ConcurrentDictionary<ExecutionId, int> _accepted = new();

    public NodeId Id { get; } = NodeId.Parse(key.Did.Text);

    public IComputeCallback? Callback { get; set; }

    public ConcurrentDictionary<ExecutionId, int> Accepted => _accepted;

    public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new NodeInfo { Id = Id, Engines = ["noop"], Capacity = new Resources { CpuMillis = 1000 } });

    public Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default) => Task.FromResult(42L * cids.Count);

    public Task<BidResult> AskBidAsync(AskBidRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new BidResult { ExecutionId = request.ExecutionId, Accepted = true, Price = 7 });

    public async Task BidAcceptedAsync(BidAcceptedRequest request, CancellationToken cancellationToken = default)
    {
        // Idempotent by execution id, as the real node is.
        if (_accepted.AddOrUpdate(request.ExecutionId, 1, (_, n) => n + 1) == 1)
        {
            await Callback!.ReportAsync(new ExecutionReport { ExecutionId = request.ExecutionId, NodeId = Id, State = ExecutionState.Completed }, cancellationToken);
        }
    }

    public Task CancelAsync(CancelExecutionRequest request, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>A compute node (a fake) with provider records the test sets, counting how often it is asked for local bytes.</summary>
internal sealed class ProvidingComputeNode(LedgerKey key) : IComputeNode, IProvidedRoots
{
    private int _localBytesAsked;

    public NodeId Id { get; } = NodeId.Parse(key.Did.Text);

    public IReadOnlyList<ProvidedRoot> Roots { get; set; } = [];

    public int LocalBytesAsked => Volatile.Read(ref _localBytesAsked);

    public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new NodeInfo { Id = Id, Engines = ["noop"], Capacity = new Resources { CpuMillis = 1000 } });

    public Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _localBytesAsked);
        return Task.FromResult(0L);
    }

    public Task<BidResult> AskBidAsync(AskBidRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new BidResult { ExecutionId = request.ExecutionId, Accepted = false, Reason = "not in this test" });

    public Task BidAcceptedAsync(BidAcceptedRequest request, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task CancelAsync(CancelExecutionRequest request, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<ProvidedRoot>> GetProvidedRootsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Roots);
}
