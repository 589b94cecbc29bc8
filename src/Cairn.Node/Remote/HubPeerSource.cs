using Cairn.Content.Exchange;
using Cairn.Multiformats;
using Cairn.Network;

namespace Cairn.Node.Remote;

/// <summary>
/// The gateways of the compute nodes connected to this orchestrator now, as fetch peers: results
/// stay on the node that ran the job, and the orchestrator's own gateway fetches them from there
/// (verified) when asked for a CID it does not hold, so `cairn job get` works against it.
/// </summary>
public sealed class HubPeerSource(ComputeHub hub) : IPeerSource
{
    /// <inheritdoc />
    /// <remarks>The nodes whose provider records name <paramref name="cid"/> come first, then the rest (a result
    /// made a moment ago may not be announced yet).</remarks>
    public ValueTask<IReadOnlyList<Uri>> GetPeersAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var peers = new List<Uri>();
        foreach (var node in hub.Nodes.OrderByDescending(n => n.Provides(cid)))
        {
            if (node.IsConnected && node.GatewayUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                peers.Add(uri);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<Uri>>(peers);
    }
}
