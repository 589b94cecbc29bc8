using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cairn.IntegrationTests;

/// <summary>A tiny HTTP/1.1 server on 127.0.0.1:0 that answers every GET with one fixed body (for <c>url</c> inputs).</summary>
internal sealed class StaticHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly byte[] _body;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private StaticHttpServer(string body)
    {
        _body = Encoding.UTF8.GetBytes(body);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/data.txt";

    public static Task<StaticHttpServer> StartAsync(string body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new StaticHttpServer(body));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var request = new byte[8192];
            var read = 0;
            while (read < request.Length)
            {
                var n = await stream.ReadAsync(request.AsMemory(read), _stop.Token);
                if (n == 0)
                {
                    break;
                }

                read += n;
                if (Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }

            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {_body.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(head, _stop.Token);
            await stream.WriteAsync(_body, _stop.Token);
        }
    }
}
