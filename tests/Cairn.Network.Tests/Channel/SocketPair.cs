using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Cairn.Network.Tests.Channel;

/// <summary>Two ends of a real WebSocket over a loopback TCP connection (no HTTP upgrade: the channel does not care).</summary>
internal sealed class SocketPair : IDisposable
{
    private readonly TcpClient _client;
    private readonly TcpClient _server;

    private SocketPair(TcpClient client, TcpClient server)
    {
        _client = client;
        _server = server;
        Client = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        Server = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
    }

    public WebSocket Client { get; }

    public WebSocket Server { get; }

    public static async Task<SocketPair> CreateAsync(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync(cancellationToken).AsTask();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cancellationToken);
        return new SocketPair(client, await accept);
    }

    /// <summary>Cuts the TCP connection under both WebSockets, as a network failure would.</summary>
    public void Cut()
    {
        _client.Client.Close(0);
        _server.Client.Close(0);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
        _client.Dispose();
        _server.Dispose();
    }
}
