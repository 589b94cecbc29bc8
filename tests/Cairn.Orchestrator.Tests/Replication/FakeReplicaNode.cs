using System.Collections.Concurrent;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Multiformats;

namespace Cairn.Orchestrator.Tests.Replication;

/// <summary>
/// A TEST DOUBLE of a compute node's storage side: it keeps a set of pinned CIDs in memory instead of
/// fetching blocks (the real fetch, verification and pin are tested on the real ComputeNode and across
/// processes in the integration tests). It records what it was asked and can be told to fail.
/// </summary>
internal sealed class FakeReplicaNode : IComputeNode, IReplicaHolder
{
    public FakeReplicaNode(string id, string? gateway = null)
    {
        Id = NodeId.Parse(id);
        GatewayUrl = gateway ?? $"http://{id}.test/";
    }

    public NodeId Id { get; }

    public string? GatewayUrl { get; }

    /// <summary>What the node holds pinned (as a replica or otherwise).</summary>
    public ConcurrentDictionary<string, bool> Pinned { get; } = new();

    /// <summary>Blocks present without a pin (data locality): the root CIDs.</summary>
    public ConcurrentDictionary<string, bool> Present { get; } = new();

    /// <summary>The sources each pin request named.</summary>
    public ConcurrentQueue<IReadOnlyList<string>> PinRequests { get; } = new();

    public int Unpins;

    /// <summary>When set, pin requests fail with this message.</summary>
    public string? FailPins { get; set; }

    public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default) =>
        Task.FromResult(cids.Sum(c => Present.ContainsKey(c.ToString()) || Pinned.ContainsKey(c.ToString()) ? 1000L : 0L));

    public Task<BidResult> AskBidAsync(AskBidRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task BidAcceptedAsync(BidAcceptedRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task CancelAsync(CancelExecutionRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ReplicaState> PinReplicaAsync(ReplicaRequest request, CancellationToken cancellationToken = default)
    {
        PinRequests.Enqueue(request.Sources);
        if (FailPins is { } reason)
        {
            throw new CairnException(ErrorCode.NotFound, reason);
        }

        Pinned[request.Cid] = true;
        return Task.FromResult(new ReplicaState { Cid = request.Cid, Pinned = true, Bytes = 1000, BytesFetched = Present.ContainsKey(request.Cid) ? 0 : 1000 });
    }

    public Task<ReplicaState> UnpinReplicaAsync(string cid, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Unpins);
        Pinned.TryRemove(cid, out _);
        return GetReplicaAsync(cid, cancellationToken);
    }

    public Task<ReplicaState> GetReplicaAsync(string cid, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ReplicaState { Cid = cid, Pinned = Pinned.ContainsKey(cid), Bytes = Pinned.ContainsKey(cid) ? 1000 : 0 });
}
