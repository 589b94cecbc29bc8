using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Network.Admission;
using Cairn.Network.Channel;
using Cairn.Network.Protocol;
using Microsoft.Extensions.Logging;

namespace Cairn.Network;

/// <summary>
/// The orchestrator's end of the compute connections (<c>GET /api/v1/compute/connect</c>): checks each
/// node's signed hello, admits it by policy, keeps one <see cref="RemoteComputeNode"/> and one reliable
/// session per node across reconnects, hands reports to the orchestrator, sends heartbeats, and declares
/// a node lost when it is silent past <see cref="ComputeHubOptions.LostTimeout"/>.
/// </summary>
public sealed class ComputeHub : IAsyncDisposable
{
    private readonly ComputeHubOptions _options;
    private readonly NodeAdmission _admission;
    private readonly IComputeCallback _callback;
    private readonly IRemoteNodeSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _id = Guid.NewGuid().ToString("N");
    private Task? _monitor;

    /// <summary>Creates the hub; <see cref="Start"/> starts its heartbeat and lost-node monitor.</summary>
    public ComputeHub(ComputeHubOptions options, NodeAdmission admission, IComputeCallback callback, IRemoteNodeSink sink, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _admission = admission;
        _callback = callback;
        _sink = sink;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>The admission (policy, pending nodes, approve/reject).</summary>
    public NodeAdmission Admission => _admission;

    /// <summary>The remote nodes with a session now (connected or within the lost timeout).</summary>
    public IReadOnlyList<RemoteComputeNode> Nodes
    {
        get
        {
            lock (_lock)
            {
                return [.. _sessions.Values.Select(s => s.Node)];
            }
        }
    }

    /// <summary>Starts sending heartbeats and watching for lost nodes.</summary>
    public void Start() => _monitor ??= Task.Run(() => MonitorAsync(_stop.Token));

    /// <summary>Runs one node connection: handshake, admission, then the session until the socket closes.</summary>
    public async Task AcceptAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var ct = linked.Token;
        var (session, resumeFrom) = await HandshakeAsync(socket, ct).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        try
        {
            await session.Channel.RunAsync(socket, resumeFrom, afterReplay: null, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The orchestrator is stopping.
        }
        catch (CairnException e)
        {
            Log.HelloRefused(_logger, $"{session.Did}: {e.Message}");
        }

        Log.NodeDisconnected(_logger, session.Did);
    }

    /// <summary>Declares a node lost now (as the monitor does after the timeout): drops its session and tells the sink.</summary>
    public async Task MarkLostAsync(string did, CancellationToken cancellationToken = default)
    {
        Session? session;
        lock (_lock)
        {
            if (!_sessions.Remove(did, out session))
            {
                return;
            }
        }

        session.Close("the node was lost");
        Log.NodeLost(_logger, did, _time.GetUtcNow() - session.Channel.LastHeard);
        await _sink.NodeLostAsync(session.Node.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_monitor is not null)
        {
            await _monitor.ConfigureAwait(false);
        }

        lock (_lock)
        {
            foreach (var session in _sessions.Values)
            {
                session.Close("the orchestrator stopped");
            }

            _sessions.Clear();
        }

        _stop.Dispose();
    }

    private async Task<(Session? Session, long ResumeFrom)> HandshakeAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        HelloBody hello;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.HandshakeTimeout);
            try
            {
                await WireCodec.WriteAsync(socket, Control(MessageTypes.Challenge, WireCodec.ToElement(new ChallengeBody(nonce, _id), NetworkJsonContext.Default.ChallengeBody)), timeout.Token).ConfigureAwait(false);
                var message = await WireCodec.ReadAsync(socket, timeout.Token).ConfigureAwait(false);
                if (message is null || message.Type != MessageTypes.Hello)
                {
                    Log.HelloRefused(_logger, "the first frame was not a hello");
                    return (null, 0);
                }

                hello = WireCodec.Body(message, NetworkJsonContext.Default.HelloBody);
            }
            catch (Exception e) when (e is CairnException or WebSocketException or OperationCanceledException)
            {
                Log.HelloRefused(_logger, e.Message);
                return (null, 0);
            }
        }

        var payload = HelloSigning.Payload(nonce, hello.Did, hello.StreamId, hello.SessionId, hello.LastReceived, hello.GatewayUrl, hello.Info.GetRawText());
        if (!HelloSigning.Verify(hello.Did, payload, hello.Signature))
        {
            return await RefuseAsync(socket, hello.Did, "rejected", "the hello's signature does not verify for " + hello.Did, cancellationToken).ConfigureAwait(false);
        }

        NodeInfo? info;
        try
        {
            info = hello.Info.Deserialize(NetworkJsonContext.Default.NodeInfo);
        }
        catch (JsonException e)
        {
            return await RefuseAsync(socket, hello.Did, "rejected", "the node info does not read: " + e.Message, cancellationToken).ConfigureAwait(false);
        }

        if (info is null || info.Id.Value != hello.Did)
        {
            return await RefuseAsync(socket, hello.Did, "rejected", "the node info names another node than the signer", cancellationToken).ConfigureAwait(false);
        }

        var status = _admission.Decide(hello.Did, hello.GatewayUrl);
        if (status != AdmissionStatus.Admitted)
        {
            Log.NodeNotAdmitted(_logger, hello.Did, status);
            var text = status == AdmissionStatus.Pending ? "waiting for approval (cairn node approve " + hello.Did + ")" : "refused by the orchestrator's admission policy";
            return await RefuseAsync(socket, hello.Did, status == AdmissionStatus.Pending ? "pending" : "rejected", text, cancellationToken).ConfigureAwait(false);
        }

        var (session, resumed, restarted) = OpenSession(hello, info);
        var resumeFrom = resumed ? hello.LastReceived : 0;
        var welcome = new WelcomeBody("admitted", session.Id, session.Channel.LastReceived, null);
        try
        {
            await WireCodec.WriteAsync(socket, Control(MessageTypes.Welcome, WireCodec.ToElement(welcome, NetworkJsonContext.Default.WelcomeBody)), cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
            return (null, 0);
        }

        session.Restarted = restarted;
        Log.NodeConnected(_logger, hello.Did, session.Id, resumed);
        return (session, resumeFrom);
    }

    private (Session Session, bool Resumed, bool Restarted) OpenSession(HelloBody hello, NodeInfo info)
    {
        lock (_lock)
        {
            // A node that comes without a session is a new process: what it ran is gone. That holds also for
            // a node this hub has not seen (the orchestrator restarted too): its executions in the job store
            // are failed on its ready (none for a node that never ran any).
            var restarted = hello.SessionId is null;
            if (_sessions.TryGetValue(hello.Did, out var existing) && existing.Id == hello.SessionId)
            {
                return (existing, true, false);
            }

            // A new session: whatever the old one still had queued for the node is void, but the node's own
            // stream continues (its outbox is on disk) when its stream id is the same.
            var carried = existing is not null && existing.StreamId == hello.StreamId ? existing.Channel.LastReceived : 0;
            existing?.Close("the node started a new session");
            var node = new RemoteComputeNode(info, hello.Did, hello.GatewayUrl, _options.RequestTimeout, _options.PinTimeout);
            var session = new Session(Guid.NewGuid().ToString("N"), hello.Did, hello.StreamId, node);
            session.Channel = new ReliableChannel(new MemoryOutbox(), (m, ct) => DeliverAsync(session, m, ct), _time, carried);
            node.Channel = session.Channel;
            _sessions[hello.Did] = session;
            return (session, false, restarted);
        }
    }

    private async Task<(Session?, long)> RefuseAsync(WebSocket socket, string did, string status, string message, CancellationToken cancellationToken)
    {
        if (status == "rejected")
        {
            Log.HelloRefused(_logger, $"{did}: {message}");
        }

        try
        {
            await WireCodec.WriteAsync(socket, Control(MessageTypes.Welcome, WireCodec.ToElement(new WelcomeBody(status, null, 0, message), NetworkJsonContext.Default.WelcomeBody)), cancellationToken).ConfigureAwait(false);
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, status, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
            // Gone already; the refusal stands.
        }

        return (null, 0);
    }

    private async Task DeliverAsync(Session session, WireMessage message, CancellationToken cancellationToken)
    {
        switch (message.Type)
        {
            case MessageTypes.Ready:
                await _sink.NodeReadyAsync(session.Node, session.Restarted, cancellationToken).ConfigureAwait(false);
                session.Restarted = false;
                break;
            case MessageTypes.Provide:
                session.Node.OnProvide(WireCodec.Body(message, NetworkJsonContext.Default.ProvideBody).Roots);
                break;
            case MessageTypes.Response:
                session.Node.OnResponse(WireCodec.Body(message, NetworkJsonContext.Default.ResponseBody));
                break;
            case MessageTypes.Report:
                var report = WireCodec.Body(message, NetworkJsonContext.Default.ExecutionReport);
                if (report.NodeId != session.Node.Id)
                {
                    Log.ReportRefused(_logger, session.Did, report.ExecutionId.Value, $"it names node {report.NodeId}");
                    break;
                }

                try
                {
                    // The orchestrator ignores a report on an execution it already ended (a lost node's late
                    // result): nothing is settled twice.
                    await _callback.ReportAsync(report, cancellationToken).ConfigureAwait(false);
                }
                catch (CairnException e) when (e.Code is ErrorCode.NotFound or ErrorCode.Conflict or ErrorCode.InvalidArgument)
                {
                    Log.ReportRefused(_logger, session.Did, report.ExecutionId.Value, e.Message);
                }

                break;
            default:
                Log.ReportRefused(_logger, session.Did, "-", $"unknown message type \"{message.Type}\"");
                break;
        }
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Session[] sessions;
                lock (_lock)
                {
                    sessions = [.. _sessions.Values];
                }

                var now = _time.GetUtcNow();
                foreach (var session in sessions)
                {
                    if (now - session.Channel.LastHeard > _options.LostTimeout)
                    {
                        await MarkLostAsync(session.Did, cancellationToken).ConfigureAwait(false);
                    }
                    else if (session.Channel.IsConnected)
                    {
                        await session.Channel.SendControlAsync(MessageTypes.Heartbeat, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static WireMessage Control(string type, JsonElement body) => new(0, 0, type, body);

    private sealed class Session(string id, string did, string streamId, RemoteComputeNode node)
    {
        public string Id { get; } = id;

        public string Did { get; } = did;

        public string StreamId { get; } = streamId;

        public RemoteComputeNode Node { get; } = node;

        public ReliableChannel Channel { get; set; } = null!;

        public bool Restarted { get; set; }

        public void Close(string reason)
        {
            Node.FailPending(reason);
            Channel.Abort();
        }
    }
}
