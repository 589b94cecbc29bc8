using Cairn.Content.Exchange;
using Cairn.Content.Storage;
using Cairn.Jobs.Compute;
using Cairn.Multiformats;

namespace Cairn.Compute;

/// <summary>Copies kept for the network (<see cref="IReplicaHolder"/>): fetched verified from the holders named, pinned as "replica".</summary>
public sealed partial class ComputeNode : IReplicaHolder
{
    /// <summary>The name of the pins this node makes for replication; only those are dropped by <see cref="UnpinReplicaAsync"/>.</summary>
    public const string ReplicaPinName = "replica";

    /// <inheritdoc />
    public string? GatewayUrl => _options.GatewayUrl;

    /// <inheritdoc />
    public async Task<ReplicaState> PinReplicaAsync(ReplicaRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cid = ParseCid(request.Cid);

        // The gc lease first: what is fetched must not be collected before the pin holds it.
        await _repo.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var (missing, bytes) = await ScanDagAsync(cid, cancellationToken).ConfigureAwait(false);
        FetchResult? fetched = null;
        if (missing is not null)
        {
            var peers = new List<Uri>();
            foreach (var text in request.Sources)
            {
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    peers.Add(uri);
                }
            }

            if (peers.Count == 0 && _options.Peers is null)
            {
                throw new CairnException(ErrorCode.NotFound, $"Block {missing} of {cid} is not on node {Id}, and no peer to fetch it from was named.")
                {
                    Hint = "Start the node with `--peer URL`, or replicate content that a connected node holds.",
                };
            }

            var source = new ChainedPeerSource(peers.Count == 0 ? null : new StaticPeerSource(peers), _options.Peers);
            fetched = await new GatewayFetcher(_http, source, _options.Fetch).FetchDagAsync(cid, _repo.Blocks, null, cancellationToken).ConfigureAwait(false);
            Log.InputFetched(_logger, fetched);
            (missing, bytes) = await ScanDagAsync(cid, cancellationToken).ConfigureAwait(false);
            if (missing is not null)
            {
                throw new CairnException(ErrorCode.NotFound, $"Block {missing} of {cid} is still missing on node {Id} after the fetch.");
            }
        }

        var existing = await _repo.Pins.GetAsync(cid, cancellationToken).ConfigureAwait(false);
        if (existing is not { Mode: PinMode.Recursive })
        {
            // An operator's direct pin becomes recursive under its own name: never dropped as a replica.
            await _repo.Pins.AddAsync(cid, PinMode.Recursive, existing?.Name ?? (existing is null ? ReplicaPinName : null), cancellationToken).ConfigureAwait(false);
        }

        return new ReplicaState
        {
            Cid = request.Cid,
            Pinned = true,
            Bytes = bytes,
            BytesFetched = fetched?.BytesFetched ?? 0,
            BlocksFetched = fetched?.BlocksFetched ?? 0,
            FetchedFrom = fetched is null ? [] : [.. fetched.Peers.Where(p => p.Blocks > 0).Select(p => p.Peer.ToString())],
        };
    }

    /// <inheritdoc />
    public async Task<ReplicaState> UnpinReplicaAsync(string cid, CancellationToken cancellationToken = default)
    {
        var parsed = ParseCid(cid);
        if (await _repo.Pins.GetAsync(parsed, cancellationToken).ConfigureAwait(false) is { Name: ReplicaPinName })
        {
            await _repo.Pins.RemoveAsync(parsed, cancellationToken).ConfigureAwait(false);
        }

        return await GetReplicaAsync(cid, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ReplicaState> GetReplicaAsync(string cid, CancellationToken cancellationToken = default)
    {
        var parsed = ParseCid(cid);
        var pin = await _repo.Pins.GetAsync(parsed, cancellationToken).ConfigureAwait(false);
        if (pin is not { Mode: PinMode.Recursive })
        {
            return new ReplicaState { Cid = cid, Pinned = false };
        }

        var (missing, bytes) = await ScanDagAsync(parsed, cancellationToken).ConfigureAwait(false);
        return new ReplicaState { Cid = cid, Pinned = missing is null, Bytes = missing is null ? bytes : 0 };
    }

    private static Cid ParseCid(string text) =>
        Cid.TryParse(text, out var cid) ? cid : throw new CairnException(ErrorCode.InvalidInput, $"\"{text}\" is not a CID.");

    /// <summary>Peers from the request first, then the node's own.</summary>
    private sealed class ChainedPeerSource(IPeerSource? first, IPeerSource? then) : IPeerSource
    {
        public async ValueTask<IReadOnlyList<Uri>> GetPeersAsync(Cid cid, CancellationToken cancellationToken = default)
        {
            var peers = new List<Uri>();
            foreach (var source in new[] { first, then })
            {
                if (source is not null)
                {
                    peers.AddRange((await source.GetPeersAsync(cid, cancellationToken).ConfigureAwait(false)).Where(p => !peers.Contains(p)));
                }
            }

            return peers;
        }
    }
}
