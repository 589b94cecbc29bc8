using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cairn.Tests.Shared;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1:0: every request's path and query go to a handler that
/// decides the status and body. Tests use it for peers that misbehave on purpose (lie, truncate,
/// refuse), which a real Cairn node never does, and for plain servers of one file.
/// </summary>
internal sealed class HttpStub : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<string, CancellationToken, Task<(int Status, byte[] Body)>> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    /// <summary>A status that makes the stub never answer.</summary>
    public const int Hang = -1;

    /// <summary>A status that makes the stub close the connection without answering.</summary>
    public const int Close = -2;

    public HttpStub(Func<string, (int Status, byte[] Body)> handler)
        : this((target, _) => Task.FromResult(handler(target)))
    {
    }

    public HttpStub(Func<string, CancellationToken, Task<(int Status, byte[] Body)>> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>The requests answered so far, as "path?query".</summary>
    public List<string> Requests { get; } = [];

    public int RequestCount => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new byte[8192];
                var read = 0;
                while (read < request.Length)
                {
                    var n = await stream.ReadAsync(request.AsMemory(read), _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    read += n;
                    if (Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        break;
                    }
                }

                var line = Encoding.ASCII.GetString(request, 0, read).Split("\r\n")[0];
                var target = line.Split(' ')[1];
                lock (Requests)
                {
                    Requests.Add(target);
                }

                Interlocked.Increment(ref _requests);
                var (status, body) = await _handler(target, _stop.Token);
                if (status == Hang)
                {
                    // A peer that accepted the request and then went silent.
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                if (status == Close)
                {
                    return;
                }

                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status == 200 ? "OK" : status == 404 ? "Not Found" : "Error")}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or HttpRequestException)
            {
                // The client went away or the stub is stopping.
            }
        }
    }
}
