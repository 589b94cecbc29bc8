using System.Net.WebSockets;
using System.Text.Json;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Ledger.Identity;
using Cairn.Multiformats;
using Cairn.Network.Admission;
using Cairn.Network.Channel;
using Cairn.Network.Protocol;
using Microsoft.Extensions.Logging;

namespace Cairn.Network;

/// <summary>
/// The compute side of the connection: dials the orchestrator (so a node behind NAT can join), proves its
/// identity with a signed hello, serves the orchestrator's calls on the local <see cref="IComputeNode"/>,
/// and carries the node's execution reports back as the orchestrator's <see cref="IComputeCallback"/>. Reports
/// go to the outbox first (a SQLite file for a real node), so neither a dropped connection nor a restart
/// loses one; the dialer reconnects with backoff for as long as it runs.
/// </summary>
public sealed class ComputeDialer : IComputeCallback, IAsyncDisposable
{
    private readonly ComputeDialerOptions _options;
    private readonly IComputeNode _node;
    private readonly LedgerKey _key;
    private readonly ReliableChannel _channel;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, bool> _background = new();
    private Task? _loop;
    private string? _sessionId;
    private int _sessions;

    /// <summary>Creates the dialer; <see cref="Start"/> starts dialing.</summary>
    public ComputeDialer(ComputeDialerOptions options, IComputeNode node, LedgerKey key, IOutbox outbox, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (node.Id.Value != key.Did.Text)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"The node id {node.Id} is not the key's DID {key.Did.Text}.");
        }

        _options = options;
        _node = node;
        _key = key;
        _time = timeProvider;
        _logger = logger;
        _channel = new ReliableChannel(outbox, DeliverAsync, timeProvider);
    }

    /// <summary>True while connected and admitted.</summary>
    public bool IsConnected => _channel.IsConnected;

    /// <summary>How many sessions were admitted so far (a reconnect to the same session counts again).</summary>
    public int Connections => Volatile.Read(ref _sessions);

    /// <summary>The last admission answer other than admitted (pending, rejected), or null.</summary>
    public AdmissionStatus? LastRefusal { get; private set; }

    /// <summary>The URL dialed.</summary>
    public Uri ConnectUrl
    {
        get
        {
            var builder = new UriBuilder(new Uri(_options.Orchestrator, ComputeDialerOptions.ConnectPath));
            builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
            return builder.Uri;
        }
    }

    /// <summary>Starts dialing (and redialing) in the background.</summary>
    public void Start() => _loop ??= Task.Run(() => LoopAsync(_stop.Token));

    /// <summary>Drops the current connection (tests use it to cut a connection mid-job); the dialer dials again.</summary>
    public void Disconnect() => _channel.Abort();

    /// <inheritdoc />
    public async Task ReportAsync(ExecutionReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        await _channel.SendAsync(MessageTypes.Report, WireCodec.ToElement(report, NetworkJsonContext.Default.ExecutionReport), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _channel.Abort();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        await Task.WhenAll(_background.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        _channel.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var delay = _options.MinBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                var admitted = await ConnectOnceAsync(cancellationToken).ConfigureAwait(false);
                if (admitted)
                {
                    delay = _options.MinBackoff;
                }

                reason = admitted ? "connection closed" : "not admitted";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or CairnException or OperationCanceledException)
            {
                reason = e.Message;
            }

            Log.DialFailed(_logger, _options.Orchestrator, reason, delay);
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxBackoff.Ticks));
        }
    }

    private async Task<bool> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connect.CancelAfter(_options.SilenceTimeout);
            await socket.ConnectAsync(ConnectUrl, connect.Token).ConfigureAwait(false);
        }

        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        handshake.CancelAfter(_options.SilenceTimeout);
        var first = await WireCodec.ReadAsync(socket, handshake.Token).ConfigureAwait(false);
        if (first is null || first.Type != MessageTypes.Challenge)
        {
            throw new CairnException(ErrorCode.InvalidInput, "The orchestrator did not open with a challenge.");
        }

        var challenge = WireCodec.Body(first, NetworkJsonContext.Default.ChallengeBody);
        var info = WireCodec.ToElement(await _node.GetInfoAsync(cancellationToken).ConfigureAwait(false), NetworkJsonContext.Default.NodeInfo);
        var sessionId = _sessionId;
        var lastReceived = sessionId is null ? 0 : _channel.LastReceived;
        var streamId = _channel.Outbox.StreamId;
        var payload = HelloSigning.Payload(challenge.Nonce, _key.Did.Text, streamId, sessionId, lastReceived, _options.GatewayUrl, info.GetRawText());
        var hello = new HelloBody(_key.Did.Text, streamId, sessionId, lastReceived, _options.GatewayUrl, info, HelloSigning.Sign(_key, payload));
        await WireCodec.WriteAsync(socket, new WireMessage(0, 0, MessageTypes.Hello, WireCodec.ToElement(hello, NetworkJsonContext.Default.HelloBody)), handshake.Token).ConfigureAwait(false);
        var answer = await WireCodec.ReadAsync(socket, handshake.Token).ConfigureAwait(false)
            ?? throw new CairnException(ErrorCode.ServiceUnavailable, "The orchestrator closed the connection after the hello.");
        var welcome = WireCodec.Body(answer, NetworkJsonContext.Default.WelcomeBody);
        if (welcome.Status != "admitted" || welcome.SessionId is null)
        {
            LastRefusal = welcome.Status == "pending" ? AdmissionStatus.Pending : AdmissionStatus.Rejected;
            Log.NotAdmitted(_logger, welcome.Status, welcome.Message);
            return false;
        }

        LastRefusal = null;
        if (welcome.SessionId != _sessionId)
        {
            // A new session on the orchestrator's side: its stream to this node starts at 1 again.
            _channel.ResetInbound();
            _sessionId = welcome.SessionId;
        }

        Interlocked.Increment(ref _sessions);
        Log.Joined(_logger, _options.Orchestrator, welcome.SessionId);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HeartbeatAsync(watch.Token);
        var provide = _node is IProvidedRoots roots ? ProvideAsync(roots, watch.Token) : Task.CompletedTask;
        try
        {
            await _channel.RunAsync(
                socket,
                welcome.LastReceived,
                ct => _channel.SendControlAsync(MessageTypes.Ready, ct),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await watch.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
            await provide.ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Sends the node's provider records after the connect and again whenever they change (looked at every
    /// <see cref="ComputeDialerOptions.ProvideInterval"/>). A control frame: a lost one is replaced by the next.
    /// </summary>
    private async Task ProvideAsync(IProvidedRoots roots, CancellationToken cancellationToken)
    {
        string? sent = null;
        using var timer = new PeriodicTimer(_options.ProvideInterval, _time);
        try
        {
            do
            {
                if (!_channel.IsConnected)
                {
                    continue;
                }

                IReadOnlyList<ProvidedRoot> current;
                try
                {
                    current = await roots.GetProvidedRootsAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is CairnException or IOException or Microsoft.Data.Sqlite.SqliteException)
                {
                    Log.RequestFailed(_logger, MessageTypes.Provide, e.Message);
                    continue;
                }

                var fingerprint = string.Join('\n', current.Select(r => r.Cid).Order(StringComparer.Ordinal));
                if (fingerprint != sent)
                {
                    await _channel.SendControlAsync(MessageTypes.Provide, WireCodec.ToElement(new ProvideBody(current), NetworkJsonContext.Default.ProvideBody), cancellationToken).ConfigureAwait(false);
                    sent = fingerprint;
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_time.GetUtcNow() - _channel.LastHeard > _options.SilenceTimeout)
                {
                    _channel.Abort();
                    return;
                }

                await _channel.SendControlAsync(MessageTypes.Heartbeat, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
    }

    private async Task DeliverAsync(WireMessage message, CancellationToken cancellationToken)
    {
        switch (message.Type)
        {
            case MessageTypes.BidAccepted:
                await RunOrderAsync(message, () => _node.BidAcceptedAsync(WireCodec.Body(message, NetworkJsonContext.Default.BidAcceptedRequest), cancellationToken)).ConfigureAwait(false);
                return;
            case MessageTypes.Cancel:
                await RunOrderAsync(message, () => _node.CancelAsync(WireCodec.Body(message, NetworkJsonContext.Default.CancelExecutionRequest), cancellationToken)).ConfigureAwait(false);
                return;
            case MessageTypes.GetInfo or MessageTypes.GetLocalBytes or MessageTypes.AskBid or MessageTypes.GetReplica or MessageTypes.UnpinReplica:
                await AnswerAsync(message, cancellationToken).ConfigureAwait(false);
                return;
            case MessageTypes.PinReplica:
                // Fetching a copy can take minutes: answer from the background so the stream goes on
                // (bids, orders). A copy still being made when the connection drops is finished anyway;
                // the orchestrator asks again and gets the answer at once.
                var pin = Task.Run(() => AnswerAsync(message, _stop.Token), CancellationToken.None);
                _background[pin] = true;
                _ = pin.ContinueWith(t => _background.TryRemove(t, out _), TaskScheduler.Default);
                return;
            default:
                Log.RequestFailed(_logger, message.Type, "unknown message type");
                return;
        }
    }

    private async Task RunOrderAsync(WireMessage message, Func<Task> order)
    {
        try
        {
            await order().ConfigureAwait(false);
        }
        catch (CairnException e)
        {
            Log.RequestFailed(_logger, message.Type, e.Message);
        }
    }

    private async Task AnswerAsync(WireMessage message, CancellationToken cancellationToken)
    {
        var request = WireCodec.Body(message, NetworkJsonContext.Default.RequestBody);
        ResponseBody response;
        try
        {
            JsonElement result = message.Type switch
            {
                MessageTypes.GetInfo => WireCodec.ToElement(await _node.GetInfoAsync(cancellationToken).ConfigureAwait(false), NetworkJsonContext.Default.NodeInfo),
                MessageTypes.GetLocalBytes => WireCodec.ToElement(await _node.GetLocalBytesAsync(ParseCids(request), cancellationToken).ConfigureAwait(false), NetworkJsonContext.Default.Int64),
                MessageTypes.PinReplica => WireCodec.ToElement(await Holder().PinReplicaAsync(Args(request, NetworkJsonContext.Default.ReplicaRequest), cancellationToken).ConfigureAwait(false), NetworkJsonContext.Default.ReplicaState),
                MessageTypes.UnpinReplica => WireCodec.ToElement(await Holder().UnpinReplicaAsync(Args(request, NetworkJsonContext.Default.ReplicaRequest).Cid, cancellationToken).ConfigureAwait(false), NetworkJsonContext.Default.ReplicaState),
                MessageTypes.GetReplica => WireCodec.ToElement(await Holder().GetReplicaAsync(Args(request, NetworkJsonContext.Default.ReplicaRequest).Cid, cancellationToken).ConfigureAwait(false), NetworkJsonContext.Default.ReplicaState),
                _ => WireCodec.ToElement(await _node.AskBidAsync(Args(request, NetworkJsonContext.Default.AskBidRequest), cancellationToken).ConfigureAwait(false), NetworkJsonContext.Default.BidResult),
            };
            response = new ResponseBody(request.Id, result, null, null);
        }
        catch (CairnException e)
        {
            Log.RequestFailed(_logger, message.Type, e.Message);
            response = new ResponseBody(request.Id, null, e.Code.ToString(), e.Message);
        }
        catch (Exception e) when (message.Type == MessageTypes.PinReplica && e is IOException or HttpRequestException or UnauthorizedAccessException)
        {
            // From the background: nobody else would tell the orchestrator, which would wait for its timeout.
            Log.RequestFailed(_logger, message.Type, e.Message);
            response = new ResponseBody(request.Id, null, nameof(ErrorCode.IoError), e.Message);
        }

        await _channel.SendAsync(MessageTypes.Response, WireCodec.ToElement(response, NetworkJsonContext.Default.ResponseBody), cancellationToken).ConfigureAwait(false);
    }

    private IReplicaHolder Holder() =>
        _node as IReplicaHolder ?? throw new CairnException(ErrorCode.Unsupported, $"Node {_node.Id} keeps no replicas.");

    private static List<Cid> ParseCids(RequestBody request)
    {
        var args = Args(request, NetworkJsonContext.Default.LocalBytesArgs);
        var cids = new List<Cid>(args.Cids.Count);
        foreach (var text in args.Cids)
        {
            cids.Add(Cid.TryParse(text, out var cid) ? cid : throw new CairnException(ErrorCode.InvalidInput, $"'{text}' is not a CID."));
        }

        return cids;
    }

    private static T Args<T>(RequestBody request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
        WireCodec.Body(new WireMessage(0, 0, "args", request.Args), info);
}
