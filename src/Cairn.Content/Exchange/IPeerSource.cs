using Cairn.Multiformats;

namespace Cairn.Content.Exchange;

/// <summary>
/// Says which peers to ask for a CID: the base URLs of their trustless gateways
/// (<c>http://host:port</c>, under which <c>/ipfs/{cid}</c> is served), best first.
/// </summary>
/// <remarks>
/// <see cref="StaticPeerSource"/> answers the same list for every CID; an orchestrator that knows
/// who holds what (provider records) can answer per CID.
/// </remarks>
public interface IPeerSource
{
    /// <summary>The peers to ask for <paramref name="cid"/>, best first; empty when none is known.</summary>
    ValueTask<IReadOnlyList<Uri>> GetPeersAsync(Cid cid, CancellationToken cancellationToken = default);
}
