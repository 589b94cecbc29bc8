using Cairn.Multiformats;

namespace Cairn.Jobs.Compute;

/// <summary>
/// A compute node as the orchestrator sees it. In the embedded node this is an in-process call;
/// across machines the same messages travel over the node's connection. The node answers bids
/// directly and reports execution progress through <see cref="IComputeCallback"/>.
/// </summary>
public interface IComputeNode
{
    /// <summary>The node's id.</summary>
    NodeId Id { get; }

    /// <summary>The node's current labels, engines, capacity and price.</summary>
    Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>How many bytes of the blocks named by <paramref name="cids"/> the node already holds (data locality).</summary>
    Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default);

    /// <summary>Asks the node to bid for an execution.</summary>
    Task<BidResult> AskBidAsync(AskBidRequest request, CancellationToken cancellationToken = default);

    /// <summary>Accepts the node's bid: the node starts the execution and reports its progress.</summary>
    Task BidAcceptedAsync(BidAcceptedRequest request, CancellationToken cancellationToken = default);

    /// <summary>Asks the node to stop an execution (a no-op when it already finished).</summary>
    Task CancelAsync(CancelExecutionRequest request, CancellationToken cancellationToken = default);
}
