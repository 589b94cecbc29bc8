using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cairn.IntegrationTests.Exchange;

/// <summary>
/// A deliberately lying peer: an HTTP/1.1 proxy on 127.0.0.1:0 in front of a real node's gateway
/// that flips one byte near the end of every answer (inside the last block of a CAR, inside a raw
/// block). A real Cairn node never does this; the test checks that the fetching node notices.
/// </summary>
internal sealed class LyingPeer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Uri _honest;
    private readonly HttpClient _http = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public LyingPeer(Uri honest)
    {
        _honest = honest;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Requests => Volatile.Read(ref _requests);

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

        _http.Dispose();
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
                while (read < request.Length && !Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(request.AsMemory(read), _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    read += n;
                }

                var target = Encoding.ASCII.GetString(request, 0, read).Split("\r\n")[0].Split(' ')[1];
                Interlocked.Increment(ref _requests);
                using var upstream = new HttpRequestMessage(HttpMethod.Get, new Uri(_honest, target.TrimStart('/')));
                using var response = await _http.SendAsync(upstream, _stop.Token);
                var body = await response.Content.ReadAsByteArrayAsync(_stop.Token);
                if (response.IsSuccessStatusCode && body.Length > 0)
                {
                    body[body.Length - Math.Min(body.Length, 10)] ^= 0x20; // the lie
                }

                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or HttpRequestException)
            {
                // The client went away or the proxy is stopping.
            }
        }
    }
}
