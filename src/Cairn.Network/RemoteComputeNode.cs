using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Multiformats;
using Cairn.Network.Channel;
using Cairn.Network.Protocol;

namespace Cairn.Network;

/// <summary>
/// A compute node on another machine, as the orchestrator's scheduler sees it: each call travels over
/// the node's connection. Questions (info, local bytes, bid) are answered within
/// <see cref="ComputeHubOptions.RequestTimeout"/> and fail at once while the node is disconnected, so the
/// scheduler passes it over; orders (bid accepted, cancel) are kept and delivered when it reconnects.
/// </summary>
public sealed class RemoteComputeNode : IComputeNode, IReplicaHolder
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<ResponseBody>> _pending = new();
    private readonly TimeSpan _requestTimeout;
    private readonly TimeSpan _pinTimeout;
    private long _nextRequest;
    private NodeInfo _info;
    private FrozenDictionary<string, long>? _provided;

    internal RemoteComputeNode(NodeInfo info, string did, string? gatewayUrl, TimeSpan requestTimeout, TimeSpan pinTimeout)
    {
        _pinTimeout = pinTimeout;
        _info = info;
        Id = info.Id;
        Did = did;
        GatewayUrl = gatewayUrl;
        _requestTimeout = requestTimeout;
    }

    /// <inheritdoc />
    public NodeId Id { get; }

    /// <summary>The node's did:key (proven by its signed hello).</summary>
    public string Did { get; }

    /// <summary>Where the node says its trustless gateway listens (null when it did not say).</summary>
    public string? GatewayUrl { get; }

    /// <summary>The node info last heard (hello or a <see cref="GetInfoAsync"/> answer).</summary>
    public NodeInfo LastInfo => Volatile.Read(ref _info);

    /// <summary>True while the node's connection is open.</summary>
    public bool IsConnected => Channel?.IsConnected == true;

    internal ReliableChannel? Channel { get; set; }

    /// <inheritdoc />
    public async Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var info = await CallAsync(MessageTypes.GetInfo, null, NetworkJsonContext.Default.NodeInfo, cancellationToken).ConfigureAwait(false);
        if (info.Id != Id)
        {
            throw new CairnException(ErrorCode.IntegrityViolation, $"Node {Id} answered with the info of {info.Id}.");
        }

        Volatile.Write(ref _info, info);
        return info;
    }

    /// <summary>The node's provider records (root CID → bytes of its DAG) as last announced; null before the first.</summary>
    public IReadOnlyDictionary<string, long>? Provided => Volatile.Read(ref _provided);

    /// <summary>True when the node announced that it holds the whole DAG under <paramref name="cid"/>.</summary>
    public bool Provides(Cid cid) => Volatile.Read(ref _provided) is { } provided && provided.ContainsKey(cid.ToString());

    /// <inheritdoc />
    /// <remarks>
    /// Answered from the node's provider records when it has sent them (no round trip: a placement asks
    /// every candidate): the bytes of each named CID that is one of its roots. Before the first records,
    /// the node is asked.
    /// </remarks>
    public Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cids);
        if (Volatile.Read(ref _provided) is { } provided)
        {
            var total = 0L;
            foreach (var cid in cids.Distinct())
            {
                total += provided.GetValueOrDefault(cid.ToString());
            }

            return Task.FromResult(total);
        }

        var args = WireCodec.ToElement(new LocalBytesArgs([.. cids.Select(c => c.ToString())]), NetworkJsonContext.Default.LocalBytesArgs);
        return CallAsync(MessageTypes.GetLocalBytes, args, NetworkJsonContext.Default.Int64, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<BidResult> AskBidAsync(AskBidRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bid = await CallAsync(MessageTypes.AskBid, WireCodec.ToElement(request, NetworkJsonContext.Default.AskBidRequest), NetworkJsonContext.Default.BidResult, cancellationToken).ConfigureAwait(false);
        return bid.ExecutionId == request.ExecutionId
            ? bid
            : throw new CairnException(ErrorCode.IntegrityViolation, $"Node {Id} answered a bid for {request.ExecutionId} about {bid.ExecutionId}.");
    }

    /// <inheritdoc />
    public async Task BidAcceptedAsync(BidAcceptedRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await ChannelOrThrow().SendAsync(MessageTypes.BidAccepted, WireCodec.ToElement(request, NetworkJsonContext.Default.BidAcceptedRequest), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CancelAsync(CancelExecutionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await ChannelOrThrow().SendAsync(MessageTypes.Cancel, WireCodec.ToElement(request, NetworkJsonContext.Default.CancelExecutionRequest), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ReplicaState> PinReplicaAsync(ReplicaRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ReplicaCallAsync(MessageTypes.PinReplica, request, _pinTimeout, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReplicaState> UnpinReplicaAsync(string cid, CancellationToken cancellationToken = default) =>
        ReplicaCallAsync(MessageTypes.UnpinReplica, new ReplicaRequest { Cid = cid }, _requestTimeout, cancellationToken);

    /// <inheritdoc />
    public Task<ReplicaState> GetReplicaAsync(string cid, CancellationToken cancellationToken = default) =>
        ReplicaCallAsync(MessageTypes.GetReplica, new ReplicaRequest { Cid = cid }, _requestTimeout, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"remote node {Id}";

    private async Task<ReplicaState> ReplicaCallAsync(string type, ReplicaRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var state = await CallAsync(type, WireCodec.ToElement(request, NetworkJsonContext.Default.ReplicaRequest), NetworkJsonContext.Default.ReplicaState, cancellationToken, timeout).ConfigureAwait(false);
        return state.Cid == request.Cid
            ? state
            : throw new CairnException(ErrorCode.IntegrityViolation, $"Node {Id} answered about {state.Cid} when asked about {request.Cid}.");
    }

    internal void OnProvide(IReadOnlyList<ProvidedRoot> roots)
    {
        var records = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            // Records name CIDs in their canonical form, so a lookup by Cid.ToString() finds them.
            if (Cid.TryParse(root.Cid, out var cid) && root.Bytes >= 0)
            {
                records[cid.ToString()] = root.Bytes;
            }
        }

        Volatile.Write(ref _provided, records.ToFrozenDictionary(StringComparer.Ordinal));
    }

    internal void OnResponse(ResponseBody response)
    {
        // An answer to a request nobody waits for any more (timed out, or from before a restart) is dropped.
        if (_pending.TryRemove(response.Id, out var waiter))
        {
            waiter.TrySetResult(response);
        }
    }

    internal void FailPending(string reason)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiter))
            {
                waiter.TrySetException(new CairnException(ErrorCode.ServiceUnavailable, $"Node {Id}: {reason}."));
            }
        }
    }

    private ReliableChannel ChannelOrThrow() =>
        Channel ?? throw new CairnException(ErrorCode.ServiceUnavailable, $"Node {Id} has no connection.");

    private async Task<T> CallAsync<T>(string type, JsonElement? args, JsonTypeInfo<T> resultInfo, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var limit = timeout ?? _requestTimeout;
        var channel = ChannelOrThrow();
        if (!channel.IsConnected)
        {
            throw new CairnException(ErrorCode.ServiceUnavailable, $"Node {Id} is disconnected; it is passed over until it reconnects.");
        }

        var id = Interlocked.Increment(ref _nextRequest);
        var waiter = new TaskCompletionSource<ResponseBody>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        ResponseBody response;
        try
        {
            await channel.SendAsync(type, WireCodec.ToElement(new RequestBody(id, args), NetworkJsonContext.Default.RequestBody), cancellationToken).ConfigureAwait(false);
            response = await waiter.Task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new CairnException(ErrorCode.Timeout, $"Node {Id} did not answer \"{type}\" within {limit.TotalSeconds:0.#}s.");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }

        if (response.Error is { } error)
        {
            var code = Enum.TryParse<ErrorCode>(response.ErrorCode, out var parsed) ? parsed : ErrorCode.Internal;
            throw new CairnException(code, $"Node {Id}: {error}");
        }

        if (response.Result is not { } result)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"Node {Id} answered \"{type}\" without a result.");
        }

        try
        {
            return result.Deserialize(resultInfo) ?? throw new CairnException(ErrorCode.InvalidInput, $"Node {Id} answered \"{type}\" with null.");
        }
        catch (JsonException e)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"Node {Id}'s answer to \"{type}\" does not read: {e.Message}");
        }
    }
}
