using Cairn.Multiformats;

namespace Cairn.Content.Exchange;

/// <summary>A fixed list of peers, asked in the order given for every CID.</summary>
public sealed class StaticPeerSource : IPeerSource
{
    private readonly IReadOnlyList<Uri> _peers;

    /// <summary>
    /// Takes gateway base URLs (<c>http://127.0.0.1:4780</c>); each must be an absolute http or https
    /// URL, else <see cref="ErrorCode.InvalidArgument"/> naming it. Duplicates are asked once.
    /// </summary>
    public StaticPeerSource(IEnumerable<Uri> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var list = new List<Uri>();
        foreach (var peer in peers)
        {
            var normalized = Normalize(peer);
            if (!list.Contains(normalized))
            {
                list.Add(normalized);
            }
        }

        _peers = list;
    }

    /// <summary>The peers, normalized (no query, path ending in '/').</summary>
    public IReadOnlyList<Uri> Peers => _peers;

    /// <summary>Parses peer URLs as given on a command line.</summary>
    public static StaticPeerSource Parse(IEnumerable<string> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var peers = new List<Uri>();
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"Peer \"{url}\" is not an absolute URL.")
                {
                    Hint = "Give a peer's gateway base URL, e.g. http://10.0.0.2:4780.",
                };
            }

            peers.Add(uri);
        }

        return new StaticPeerSource(peers);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Uri>> GetPeersAsync(Cid cid, CancellationToken cancellationToken = default) => ValueTask.FromResult(_peers);

    private static Uri Normalize(Uri peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!peer.IsAbsoluteUri || (peer.Scheme != Uri.UriSchemeHttp && peer.Scheme != Uri.UriSchemeHttps))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"Peer \"{peer}\" is not an http:// or https:// URL.")
            {
                Hint = "Give a peer's gateway base URL, e.g. http://10.0.0.2:4780.",
            };
        }

        // A base ending in '/' keeps its path when "ipfs/{cid}" is resolved against it (a gateway behind a prefix).
        var builder = new UriBuilder(peer) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }
}
