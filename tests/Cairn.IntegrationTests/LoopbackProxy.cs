using System.Net;
using System.Net.Sockets;

namespace Cairn.IntegrationTests;

/// <summary>A TCP proxy on 127.0.0.1:0 to a target port, whose live connections a test can cut at once (a network failure).</summary>
internal sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(TcpClient In, TcpClient Out)> _links = [];
    private readonly Task _accepting;

    public LoopbackProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Cuts { get; private set; }

    /// <summary>Where new connections go (a restarted server listens on a new port).</summary>
    public int TargetPort
    {
        get => Volatile.Read(ref _target);
        set => Volatile.Write(ref _target, value);
    }

    /// <summary>Resets every live connection (RST both ways); new connections go through as before.</summary>
    public int CutAll()
    {
        lock (_lock)
        {
            var live = 0;
            foreach (var (a, b) in _links)
            {
                live += a.Client is { Connected: true } ? 1 : 0;
                a.Client?.Close(0);
                b.Client?.Close(0);
            }

            _links.Clear();
            Cuts++;
            return live;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, TargetPort, _stop.Token);
            }
            catch (SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_lock)
            {
                _links.Add((inbound, outbound));
            }

            _ = PipeAsync(inbound, outbound);
            _ = PipeAsync(outbound, inbound);
        }
    }

    private static async Task PipeAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Cut or closed: the other direction ends too.
        }

        from.Dispose();
        to.Dispose();
    }
}
