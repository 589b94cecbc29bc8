using Cairn.Multiformats;

namespace Cairn.Content.Exchange;

/// <summary>The outcome of <see cref="GatewayFetcher.FetchDagAsync"/>: the DAG is now wholly in the store.</summary>
/// <param name="Root">The DAG's root.</param>
/// <param name="BlocksFetched">Blocks stored from peers (0 when everything was already local).</param>
/// <param name="BytesFetched">Bytes read from peers.</param>
/// <param name="Peers">Every peer asked, in the order asked, with what it sent and why it was dropped if it was.</param>
public sealed record FetchResult(Cid Root, long BlocksFetched, long BytesFetched, IReadOnlyList<PeerTransfer> Peers)
{
    /// <summary>True when nothing had to be fetched.</summary>
    public bool WasLocal => BlocksFetched == 0 && Peers.Count == 0;
}
