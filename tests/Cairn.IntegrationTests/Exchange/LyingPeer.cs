namespace Cairn.IntegrationTests.Exchange;

/// <summary>
/// A deliberately lying peer: a proxy on 127.0.0.1:0 in front of a real node's gateway that flips one
/// byte near the end of every answer (inside the last block of a CAR, inside a raw block). A real
/// Cairn node never does this; the test checks that the fetching node notices.
/// </summary>
internal sealed class LyingPeer : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private readonly HttpStub _stub;

    public LyingPeer(Uri honest)
    {
        _stub = new HttpStub(async (target, cancellationToken) =>
        {
            using var response = await _http.GetAsync(new Uri(honest, target.TrimStart('/')), cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.IsSuccessStatusCode && body.Length > 0)
            {
                body[body.Length - Math.Min(body.Length, 10)] ^= 0x20; // the lie
            }

            return ((int)response.StatusCode, body);
        });
    }

    public Uri Url => _stub.Url;

    public int Requests => _stub.RequestCount;

    public async ValueTask DisposeAsync()
    {
        await _stub.DisposeAsync();
        _http.Dispose();
    }
}
