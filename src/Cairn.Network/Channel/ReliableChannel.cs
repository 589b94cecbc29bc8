using System.Net.WebSockets;
using System.Text.Json;

namespace Cairn.Network.Channel;

/// <summary>
/// One side of a reliable, ordered message stream that outlives its WebSocket connections. Every
/// message sent goes to the <see cref="IOutbox"/> first and stays there until the peer acknowledges
/// it; <see cref="RunAsync"/> attaches a new connection, replays what the peer has not acknowledged,
/// and delivers incoming messages once each, in order: a sequence number already delivered is
/// acknowledged again and dropped. So a dropped connection neither loses nor duplicates a message.
/// </summary>
public sealed class ReliableChannel : IDisposable
{
    private readonly IOutbox _outbox;
    private readonly Func<WireMessage, CancellationToken, Task> _deliver;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly SemaphoreSlim _deliverGate = new(1, 1);
    private WebSocket? _socket;
    private long _lastReceived;
    private long _lastHeard;

    /// <summary>Creates a channel.</summary>
    /// <param name="outbox">Keeps what this side sends until it is acknowledged.</param>
    /// <param name="deliver">Handles each incoming message once, in order (called on the receive loop).</param>
    /// <param name="timeProvider">The clock for <see cref="LastHeard"/>.</param>
    /// <param name="lastReceived">The last sequence number already delivered (to resume a stream).</param>
    public ReliableChannel(IOutbox outbox, Func<WireMessage, CancellationToken, Task> deliver, TimeProvider timeProvider, long lastReceived = 0)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(deliver);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _outbox = outbox;
        _deliver = deliver;
        _time = timeProvider;
        _lastReceived = lastReceived;
        Touch();
    }

    /// <summary>The last incoming sequence number delivered.</summary>
    public long LastReceived => Interlocked.Read(ref _lastReceived);

    /// <summary>When a frame last arrived (or the channel was created or attached).</summary>
    public DateTimeOffset LastHeard => new(Interlocked.Read(ref _lastHeard), TimeSpan.Zero);

    /// <summary>True while a connection is attached and open.</summary>
    public bool IsConnected => Volatile.Read(ref _socket) is { State: WebSocketState.Open };

    /// <summary>This side's outbox.</summary>
    public IOutbox Outbox => _outbox;

    /// <summary>How long one frame may take to write before the connection is given up.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Starts the incoming stream over (the peer's stream restarted its numbering).</summary>
    public void ResetInbound() => Interlocked.Exchange(ref _lastReceived, 0);

    /// <summary>Sends a message reliably: it is kept and written now when connected, else on the next <see cref="RunAsync"/>.</summary>
    public async Task<WireMessage> SendAsync(string type, JsonElement? body, CancellationToken cancellationToken = default)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var message = await _outbox.AppendAsync(type, body, cancellationToken).ConfigureAwait(false);
            if (_socket is { } socket)
            {
                await TryWriteLockedAsync(socket, message).ConfigureAwait(false);
            }

            return message;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Sends a control frame (heartbeat, ack, ready) now if connected; it carries this side's ack and is never replayed.</summary>
    public Task SendControlAsync(string type, CancellationToken cancellationToken = default) => SendControlAsync(type, null, cancellationToken);

    /// <summary>Sends a control frame with a body now if connected (lost if not: send only what a later frame replaces whole).</summary>
    public async Task SendControlAsync(string type, System.Text.Json.JsonElement? body, CancellationToken cancellationToken = default)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_socket is { } socket)
            {
                await TryWriteLockedAsync(socket, new WireMessage(0, 0, type, body)).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>
    /// Attaches <paramref name="socket"/> (replacing any previous connection), forgets what the peer says it
    /// already has (<paramref name="peerLastReceived"/>), replays the rest, and receives until the connection ends.
    /// </summary>
    /// <param name="socket">The new connection (handshake done).</param>
    /// <param name="peerLastReceived">The last of this side's sequence numbers the peer says it has.</param>
    /// <param name="afterReplay">Runs once the replay is written, before receiving (e.g. to say "ready").</param>
    /// <param name="cancellationToken">Ends the connection.</param>
    public async Task RunAsync(WebSocket socket, long peerLastReceived, Func<CancellationToken, Task>? afterReplay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        await _outbox.AcknowledgeAsync(peerLastReceived, cancellationToken).ConfigureAwait(false);
        Touch();
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Volatile.Read(ref _socket)?.Abort();
            Volatile.Write(ref _socket, socket);
            foreach (var message in _outbox.Pending())
            {
                if (!await TryWriteLockedAsync(socket, message).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        finally
        {
            _sendGate.Release();
        }

        try
        {
            if (afterReplay is not null)
            {
                await afterReplay(cancellationToken).ConfigureAwait(false);
            }

            await ReceiveLoopAsync(socket, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _sendGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                if (ReferenceEquals(_socket, socket))
                {
                    Volatile.Write(ref _socket, null);
                }
            }
            finally
            {
                _sendGate.Release();
            }

            socket.Abort();
        }
    }

    /// <summary>Drops the current connection (the peer will see it closed; the stream resumes on the next one).</summary>
    public void Abort() => Volatile.Read(ref _socket)?.Abort();

    /// <inheritdoc />
    public void Dispose()
    {
        Abort();
        _sendGate.Dispose();
        _deliverGate.Dispose();
    }

    private async Task ReceiveLoopAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            WireMessage? message;
            try
            {
                message = await WireCodec.ReadAsync(socket, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                return;
            }
            catch (IOException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Abort() on this socket (a failed write, a lost peer): the connection is over.
                return;
            }

            if (message is null)
            {
                return;
            }

            Touch();
            if (message.Ack > 0)
            {
                await _outbox.AcknowledgeAsync(message.Ack, cancellationToken).ConfigureAwait(false);
            }

            if (message.Seq <= 0)
            {
                // Control frames other than acks and heartbeats (e.g. "ready") are handed over as they come.
                if (message.Type is not (MessageTypes.Ack or MessageTypes.Heartbeat))
                {
                    await _deliver(message, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            // One delivery at a time even across connections: a replacing connection's replay must not hand
            // over a message the old connection's loop is still delivering.
            await _deliverGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (message.Seq > LastReceived)
                {
                    // Marked delivered only after the handler returns: a connection that drops meanwhile gets the
                    // message again on replay, and the handlers are idempotent by execution id.
                    await _deliver(message, cancellationToken).ConfigureAwait(false);
                    Interlocked.Exchange(ref _lastReceived, message.Seq);
                }
            }
            finally
            {
                _deliverGate.Release();
            }

            await SendControlAsync(MessageTypes.Ack, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> TryWriteLockedAsync(WebSocket socket, WireMessage message)
    {
        if (socket.State != WebSocketState.Open)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(WriteTimeout);
        try
        {
            await WireCodec.WriteAsync(socket, message with { Ack = LastReceived }, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone: the message stays in the outbox for the next one.
            socket.Abort();
            return false;
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastHeard, _time.GetUtcNow().UtcTicks);
}
