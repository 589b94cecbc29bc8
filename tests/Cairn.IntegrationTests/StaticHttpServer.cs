using System.Text;

namespace Cairn.IntegrationTests;

/// <summary>A tiny HTTP/1.1 server on 127.0.0.1:0 that answers every GET with one fixed body (for <c>url</c> inputs).</summary>
internal sealed class StaticHttpServer : IAsyncDisposable
{
    private readonly HttpStub _stub;

    private StaticHttpServer(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        _stub = new HttpStub(_ => (200, bytes));
    }

    public string Url => new Uri(_stub.Url, "data.txt").ToString();

    public static Task<StaticHttpServer> StartAsync(string body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new StaticHttpServer(body));
    }

    public ValueTask DisposeAsync() => _stub.DisposeAsync();
}
