using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Cairn.Content.Car;
using Cairn.Content.Storage;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Exchange;

/// <summary>
/// Fetches the blocks of a DAG that a store lacks from peers' trustless gateways
/// (https://specs.ipfs.tech/http-gateways/trustless-gateway/), verifying every block against its
/// CID before it is stored.
/// </summary>
/// <remarks>
/// <para>Each peer is first asked for the whole DAG in one CAR (<c>GET /ipfs/{root}?format=car&amp;dag-scope=all</c>);
/// while the DAG is incomplete the next peer is asked, and then the missing blocks are asked for one
/// by one (<c>?format=raw</c>) from every peer still trusted.</para>
/// <para>A CAR section is accepted only when its CID is linked from a block already accepted (or is the
/// root) and its bytes hash to that CID, so a peer can neither slip in blocks from outside the DAG nor
/// alter one. A peer that sends a wrong block is dropped for the rest of the fetch; every verified block
/// it sent before stays (it is genuine whoever sent it). Blocks are written as they arrive, so a fetch
/// cut short resumes where it stopped.</para>
/// </remarks>
public sealed class GatewayFetcher
{
    /// <summary>The media type of one block.</summary>
    public const string RawType = "application/vnd.ipld.raw";

    /// <summary>The media type of a CAR.</summary>
    public const string CarType = "application/vnd.ipld.car";

    // A section is the block plus its CID (at most a few dozen bytes; 512 as CarImporter allows).
    private const int MaxCidBytes = 512;

    private readonly HttpClient _http;
    private readonly IPeerSource _peers;
    private readonly GatewayFetcherOptions _options;

    /// <summary>Creates a fetcher; <paramref name="http"/> stays the caller's (it is not disposed).</summary>
    public GatewayFetcher(HttpClient http, IPeerSource peers, GatewayFetcherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(peers);
        _http = http;
        _peers = peers;
        _options = options ?? new GatewayFetcherOptions();
    }

    /// <summary>
    /// Makes the whole DAG under <paramref name="root"/> present in <paramref name="store"/>, fetching
    /// what is missing. Nothing is asked when the DAG is already complete. When some block cannot be
    /// had from any peer, throws <see cref="CairnException"/> naming it and what each peer did
    /// (<see cref="ErrorCode.NotFound"/> when no peer had it, <see cref="ErrorCode.ServiceUnavailable"/>
    /// when some peer could not be reached or timed out). The blocks stored by then stay (unpinned).
    /// </summary>
    public async Task<FetchResult> FetchDagAsync(Cid root, IBlockStore store, IProgress<FetchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(store);
        var missing = await FindMissingAsync(root, store, cancellationToken).ConfigureAwait(false);
        if (missing is null)
        {
            return new FetchResult(root, 0, 0, []);
        }

        var peers = await _peers.GetPeersAsync(root, cancellationToken).ConfigureAwait(false);
        if (peers.Count == 0)
        {
            throw new CairnException(ErrorCode.NotFound, $"Block {missing} of {root} is not in the local store and no peer is known to ask for it.")
            {
                Hint = "Name a peer that holds it (`--peer URL` on `cairn serve`, `--from URL` on `cairn fetch`), or add the data locally.",
            };
        }

        var session = new Session(root, store, progress, peers, _options.MaxFetchBytes);
        if (_options.UseCar)
        {
            foreach (var peer in session.Peers)
            {
                // A CAR that held every block leaves the DAG whole in the store: no walk over it again.
                if (await FetchCarAsync(session, peer, cancellationToken).ConfigureAwait(false))
                {
                    return session.Result();
                }

                missing = await FindMissingAsync(root, store, cancellationToken).ConfigureAwait(false);
                if (missing is null)
                {
                    return session.Result();
                }

                if (peer.Failure is null)
                {
                    peer.Note($"its CAR did not hold block {missing}", FailureKind.NotFound, drop: false);
                }
            }
        }

        await FetchRawAsync(session, cancellationToken).ConfigureAwait(false);
        return session.Result();
    }

    /// <summary>The first block of the DAG missing from the store, depth-first; null when the DAG is complete.</summary>
    public static async Task<Cid?> FindMissingAsync(Cid root, IBlockStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(store);
        var visited = new HashSet<Cid>();
        var stack = new Stack<Cid>();
        stack.Push(root);
        while (stack.TryPop(out var cid))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!visited.Add(cid))
            {
                continue;
            }

            var block = await LocalBlockAsync(store, cid, cancellationToken).ConfigureAwait(false);
            if (block is null)
            {
                return cid;
            }

            PushLinks(stack, cid, block.Value);
        }

        return null;
    }

    // Raw blocks only need to be present; others are read (and verified by the store) for their links.
    // A damaged local copy counts as missing: storing a fetched good copy repairs it.
    private static async Task<ReadOnlyMemory<byte>?> LocalBlockAsync(IBlockStore store, Cid cid, CancellationToken cancellationToken)
    {
        if (cid.HashCode == Multicodec.Identity)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (cid.Codec == Multicodec.Raw)
        {
            return await store.HasAsync(cid, cancellationToken).ConfigureAwait(false) ? ReadOnlyMemory<byte>.Empty : (ReadOnlyMemory<byte>?)null;
        }

        try
        {
            // (Not a ?: over byte[]: a null byte[] converts to an empty memory, not to null.)
            var bytes = await store.GetAsync(cid, cancellationToken).ConfigureAwait(false);
            if (bytes is null)
            {
                return null;
            }

            return bytes;
        }
        catch (CairnException e) when (e.Code == ErrorCode.IntegrityViolation)
        {
            return null;
        }
    }

    private static void PushLinks(Stack<Cid> stack, Cid cid, ReadOnlyMemory<byte> block)
    {
        if (cid.Codec == Multicodec.Raw)
        {
            return;
        }

        var links = BlockLinks.Get(cid, block.Span);
        for (var i = links.Count - 1; i >= 0; i--)
        {
            stack.Push(links[i]);
        }
    }

    /// <summary>
    /// Takes the DAG from one peer's CAR. Two stages run side by side: this one receives sections and
    /// checks their framing and that each names a block of the DAG (parsing links provisionally); the
    /// other takes each block's hash result (computed on the thread pool as soon as it arrived, so blocks
    /// hash on every core), checks it against the links of blocks already verified, and only then stores
    /// it, in arrival order. No block is stored or followed unverified. Returns true when the CAR held every block of the DAG.
    /// </summary>
    private async Task<bool> FetchCarAsync(Session session, PeerState peer, CancellationToken cancellationToken)
    {
        var root = session.Root;
        var url = new Uri(peer.Url, $"ipfs/{root}?format=car&dag-scope=all");
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_options.IdleTimeout);
        var verifier = new CarVerifier(session, peer, root);

        // A CAR's blocks go into one pack (a file per block would cost more than the transfer), indexed
        // when this method returns, so the walk for what is still missing sees them.
        await using var pack = session.Store is FileBlockStore files ? files.OpenPackWriter(root) : null;
        session.Pack = pack;
        var pending = Channel.CreateBounded<(Cid Cid, byte[] Section, int CidLength, int Length, long Offset, Task<bool> Hashed)>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var verifying = Task.Run(() => verifier.RunAsync(pending.Reader, idle, cancellationToken), CancellationToken.None);
        var ended = false;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(CarType));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                peer.Note($"CAR request answered {Status(response)}", KindOf(response.StatusCode), drop: false);
                return false;
            }

            var body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var counting = new CountingStream(body, n => session.AddBytes(peer, n));
                var reader = new CarStreamReader(counting);
                var header = await ReadHeaderAsync(reader, idle.Token).ConfigureAwait(false);
                if (!header.Roots.Contains(root))
                {
                    peer.Note($"its CAR's roots ({string.Join(", ", header.Roots)}) do not include {root}", FailureKind.Lied, drop: true);
                    return false;
                }

                // Links read here are provisional (the block is not verified yet): they only let a block
                // outside the DAG be refused early. The verifier decides with verified links.
                var expected = new HashSet<Cid> { root };
                while (!verifier.Failed)
                {
                    idle.CancelAfter(_options.IdleTimeout);
                    var sectionAt = reader.Position;
                    var length = await reader.ReadLengthAsync("section length", idle.Token).ConfigureAwait(false);
                    if (length is null)
                    {
                        ended = true;
                        break;
                    }

                    if (length == 0 || length > (ulong)(_options.MaxBlockBytes + MaxCidBytes))
                    {
                        peer.Note($"its CAR has a section of {length} bytes at offset {sectionAt} (the limit is {_options.MaxBlockBytes} bytes a block)", FailureKind.Lied, drop: true);
                        return false;
                    }

                    // Sections go through pooled buffers (the verifier returns them): a fresh 256 KiB array per
                    // block cost more in page faults and zeroing than the SHA-256 of its bytes.
                    var size = (int)length.Value;
                    var section = ArrayPool<byte>.Shared.Rent(size);
                    await reader.ReadExactlyAsync(section, size, sectionAt, "section", idle.Token).ConfigureAwait(false);
                    Cid cid;
                    int cidLength;
                    try
                    {
                        cid = Cid.Read(section.AsSpan(0, size), out cidLength);
                    }
                    catch (CairnException e)
                    {
                        peer.Note($"its CAR has an invalid CID at offset {sectionAt} ({e.Message.TrimEnd('.')})", FailureKind.Lied, drop: true);
                        return false;
                    }

                    if (!expected.Contains(cid))
                    {
                        peer.Note($"sent block {cid}, which is not in the DAG of {root} (offset {sectionAt})", FailureKind.Lied, drop: true);
                        return false;
                    }

                    if (cid.Codec != Multicodec.Raw)
                    {
                        try
                        {
                            expected.UnionWith(BlockLinks.Get(cid, section.AsSpan(cidLength, size - cidLength)));
                        }
                        catch (CairnException)
                        {
                            // Not decodable: the verifier says why (its hash, or its links once verified).
                        }
                    }

                    // Hashing starts now on the thread pool, so blocks hash on every core while the verifier
                    // takes their results in order.
                    var hashed = Task.Run(() => Verifies(cid, section.AsSpan(cidLength, size - cidLength)), CancellationToken.None);
                    await pending.Writer.WriteAsync((cid, section, cidLength, size, sectionAt, hashed), idle.Token).ConfigureAwait(false);
                }
            }
        }
        catch (CairnException e) when (e.Message.StartsWith("Invalid CAR", StringComparison.Ordinal))
        {
            // Truncated or badly framed: what arrived whole and verified is kept; raw requests can fill the rest.
            peer.Note(e.Message.TrimEnd('.'), FailureKind.Failed, drop: false);
        }
        catch (HttpRequestException e)
        {
            NoteRequestFailure(peer, e, $"its CAR request failed");
        }
        catch (IOException e)
        {
            peer.Note($"its CAR was cut off ({e.Message.TrimEnd('.')})", FailureKind.Failed, drop: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !verifier.Failed)
        {
            peer.Note($"sent nothing for {_options.IdleTimeout.TotalSeconds:0.#} s", FailureKind.Unreachable, drop: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The verifier stopped the transfer: it noted why.
        }
        finally
        {
            pending.Writer.TryComplete();
            await verifying.ConfigureAwait(false);
            session.Pack = null;
        }

        return ended && !verifier.Failed && verifier.HoldsWholeDag;
    }

    /// <summary>The second stage of a CAR fetch: verifies, checks membership with verified links, stores.</summary>
    private sealed class CarVerifier(Session session, PeerState peer, Cid root)
    {
        private readonly HashSet<Cid> _expected = [root];
        private readonly HashSet<Cid> _received = [];
        private volatile bool _failed;

        public bool Failed => _failed;

        /// <summary>True when every block the verified blocks link to arrived (the DAG is whole in the store).</summary>
        public bool HoldsWholeDag => _expected.IsSubsetOf(_received);

        public async Task RunAsync(ChannelReader<(Cid Cid, byte[] Section, int CidLength, int Length, long Offset, Task<bool> Hashed)> pending, CancellationTokenSource transfer, CancellationToken cancellationToken)
        {
            await foreach (var (cid, section, cidLength, length, offset, hashed) in pending.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                try
                {
                    // Always waited for: the buffer goes back to the pool only when nothing reads it.
                    var verified = await hashed.ConfigureAwait(false);
                    if (!_failed)
                    {
                        await TakeAsync(cid, section.AsMemory(cidLength, length - cidLength), verified, offset, transfer, cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(section);
                }
            }
        }

        private async Task TakeAsync(Cid cid, ReadOnlyMemory<byte> block, bool verified, long offset, CancellationTokenSource transfer, CancellationToken cancellationToken)
        {
            try
            {
                if (!verified)
                {
                    Fail($"sent a block that does not hash to its CID {cid} (offset {offset})", transfer);
                    return;
                }

                if (!_expected.Contains(cid))
                {
                    Fail($"sent block {cid}, which is not in the DAG of {root} (offset {offset})", transfer);
                    return;
                }

                if (!_received.Add(cid))
                {
                    return;
                }

                // Blocks already here are not rewritten (a damaged local copy is refetched raw later).
                if (cid.HashCode != Multicodec.Identity && !await session.Store.HasAsync(cid, cancellationToken).ConfigureAwait(false))
                {
                    await session.StoreAsync(peer, cid, block, cancellationToken).ConfigureAwait(false);
                }

                if (cid.Codec != Multicodec.Raw)
                {
                    _expected.UnionWith(BlockLinks.Get(cid, block.Span));
                }
            }
            catch (Exception e) when (e is CairnException or IOException or OperationCanceledException)
            {
                // A verified block that does not decode, a store that cannot write, or the caller gave up:
                // the transfer stops; what was stored stays, and the raw path (or the caller) takes over.
                if (e is not OperationCanceledException)
                {
                    peer.Note($"its CAR could not be taken in ({e.Message.TrimEnd('.')})", FailureKind.Failed, drop: false);
                }

                _failed = true;
                await transfer.CancelAsync().ConfigureAwait(false);
            }
        }

        private void Fail(string reason, CancellationTokenSource transfer)
        {
            peer.Note(reason, FailureKind.Lied, drop: true);
            _failed = true;
            transfer.Cancel();
        }
    }

    private static async Task<CarHeader> ReadHeaderAsync(CarStreamReader reader, CancellationToken cancellationToken)
    {
        var length = await reader.ReadLengthAsync("header length", cancellationToken).ConfigureAwait(false)
            ?? throw CarStreamReader.Invalid(0, "the CAR is empty");
        if (length is 0 or > CarImporter.MaxHeaderLength)
        {
            throw CarStreamReader.Invalid(0, $"the header length is {length}");
        }

        var at = reader.Position;
        var bytes = await reader.ReadExactlyAsync((int)length, 0, "header", cancellationToken).ConfigureAwait(false);
        var header = CarHeader.Decode(bytes, at);
        return header.Version == 1 ? header : throw CarStreamReader.Invalid(at, $"the header's version is {header.Version}, not 1");
    }

    private async Task FetchRawAsync(Session session, CancellationToken cancellationToken)
    {
        var visited = new HashSet<Cid>();
        var stack = new Stack<Cid>();
        stack.Push(session.Root);
        while (stack.TryPop(out var cid))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!visited.Add(cid))
            {
                continue;
            }

            var block = await LocalBlockAsync(session.Store, cid, cancellationToken).ConfigureAwait(false)
                ?? await FetchBlockAsync(session, cid, cancellationToken).ConfigureAwait(false);
            PushLinks(stack, cid, block);
        }
    }

    private async Task<ReadOnlyMemory<byte>> FetchBlockAsync(Session session, Cid cid, CancellationToken cancellationToken)
    {
        var tried = new List<string>();
        var unreachable = false;
        foreach (var peer in session.Peers)
        {
            if (peer.Dropped)
            {
                tried.Add($"{peer.Url}: dropped earlier ({peer.Failure})");
                unreachable |= peer.LastKind == FailureKind.Unreachable;
                continue;
            }

            var block = await FetchRawBlockAsync(session, peer, cid, cancellationToken).ConfigureAwait(false);
            if (block is not null)
            {
                return block.Value;
            }

            unreachable |= peer.LastKind == FailureKind.Unreachable;
            tried.Add($"{peer.Url}: {peer.LastNote}");
        }

        throw new CairnException(
            unreachable ? ErrorCode.ServiceUnavailable : ErrorCode.NotFound,
            $"Could not fetch block {cid} of {session.Root} from any peer: {string.Join("; ", tried)}.")
        {
            Hint = "Check that a peer holds the content (`curl -I PEER/ipfs/CID`), or name another with --peer / --from.",
        };
    }

    private async Task<ReadOnlyMemory<byte>?> FetchRawBlockAsync(Session session, PeerState peer, Cid cid, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_options.IdleTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(peer.Url, $"ipfs/{cid}?format=raw"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(RawType));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                peer.Note($"block {cid} answered {Status(response)}", KindOf(response.StatusCode), drop: false);
                return null;
            }

            if (response.Content.Headers.ContentLength > _options.MaxBlockBytes)
            {
                peer.Note($"announced {response.Content.Headers.ContentLength} bytes for block {cid} (the limit is {_options.MaxBlockBytes})", FailureKind.Lied, drop: true);
                return null;
            }

            var body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var buffer = new byte[Math.Min(_options.MaxBlockBytes + 1, (int)(response.Content.Headers.ContentLength ?? 64 * 1024) + 1)];
                var filled = 0;
                while (true)
                {
                    if (filled == buffer.Length)
                    {
                        if (buffer.Length > _options.MaxBlockBytes)
                        {
                            peer.Note($"sent more than {_options.MaxBlockBytes} bytes for block {cid}", FailureKind.Lied, drop: true);
                            return null;
                        }

                        Array.Resize(ref buffer, Math.Min(_options.MaxBlockBytes + 1, buffer.Length * 2));
                    }

                    idle.CancelAfter(_options.IdleTimeout);
                    var n = await body.ReadAsync(buffer.AsMemory(filled), idle.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    filled += n;
                    session.AddBytes(peer, n);
                }

                var block = buffer.AsMemory(0, filled);
                if (!Verifies(cid, block.Span))
                {
                    peer.Note($"sent a block that does not hash to its CID {cid} ({filled} bytes)", FailureKind.Lied, drop: true);
                    return null;
                }

                await session.StoreAsync(peer, cid, block, cancellationToken).ConfigureAwait(false);
                return block;
            }
        }
        catch (HttpRequestException e)
        {
            NoteRequestFailure(peer, e, $"block {cid} request failed");
        }
        catch (IOException e)
        {
            peer.Note($"block {cid} was cut off ({e.Message.TrimEnd('.')})", FailureKind.Unreachable, drop: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            peer.Note($"sent nothing for {_options.IdleTimeout.TotalSeconds:0.#} s", FailureKind.Unreachable, drop: true);
        }

        return null;
    }

    // A peer that cannot be connected to is dropped; one whose answer broke off (it closed the
    // connection, sent a bad response) may still serve other blocks.
    private static void NoteRequestFailure(PeerState peer, HttpRequestException e, string what)
    {
        if (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
        {
            peer.Note($"could not be reached ({e.Message.TrimEnd('.')})", FailureKind.Unreachable, drop: true);
        }
        else
        {
            peer.Note($"{what} ({e.Message.TrimEnd('.')})", FailureKind.Unreachable, drop: false);
        }
    }

    private static bool Verifies(Cid cid, ReadOnlySpan<byte> block)
    {
        try
        {
            return cid.Verifies(block);
        }
        catch (CairnException)
        {
            // A hash function Cairn cannot compute: the block cannot be trusted.
            return false;
        }
    }

    private static string Status(HttpResponseMessage response) => $"{(int)response.StatusCode} {response.ReasonPhrase}";

    private static FailureKind KindOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound or HttpStatusCode.Gone => FailureKind.NotFound,
        HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.BadGateway or HttpStatusCode.TooManyRequests => FailureKind.Unreachable,
        _ => FailureKind.Failed,
    };

    private enum FailureKind
    {
        None,
        NotFound,
        Failed,
        Unreachable,
        Lied,
    }

    private sealed class PeerState(Uri url)
    {
        private readonly List<string> _notes = [];

        public Uri Url { get; } = url;

        public long Blocks { get; set; }

        public long Bytes { get; set; }

        public bool Dropped { get; private set; }

        public FailureKind LastKind { get; private set; }

        public string? LastNote { get; private set; }

        public string? Failure => _notes.Count == 0 ? null : string.Join("; ", _notes);

        public void Note(string what, FailureKind kind, bool drop)
        {
            // A peer failing block after block (a raw 404 each) would make the report as long as the DAG.
            if (_notes.Count < 5)
            {
                _notes.Add(drop ? what + " (dropped for this fetch)" : what);
            }

            LastNote = what;
            LastKind = kind;
            Dropped |= drop;
        }
    }

    private sealed class Session
    {
        private readonly IProgress<FetchProgress>? _progress;
        private readonly long _maxBytes;
        private long _blocks;
        private long _bytes;

        public Session(Cid root, IBlockStore store, IProgress<FetchProgress>? progress, IReadOnlyList<Uri> peers, long maxBytes)
        {
            Root = root;
            Store = store;
            _progress = progress;
            _maxBytes = maxBytes;
            Peers = [.. peers.Select(p => new PeerState(p))];
        }

        public Cid Root { get; }

        public IBlockStore Store { get; }

        /// <summary>Where a CAR transfer's blocks go, when the store packs them.</summary>
        public PackWriter? Pack { get; set; }

        public List<PeerState> Peers { get; }

        public void AddBytes(PeerState peer, int n)
        {
            peer.Bytes += n;
            _bytes += n;
            if (_bytes > _maxBytes)
            {
                throw new CairnException(ErrorCode.InvalidInput, $"Fetching {Root} read more than the {_maxBytes} bytes allowed for one fetch (last from {peer.Url}).")
                {
                    Hint = "Raise the fetch limit, or fetch smaller DAGs.",
                };
            }
        }

        public async Task StoreAsync(PeerState peer, Cid cid, ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
        {
            if (cid.HashCode == Multicodec.Identity)
            {
                return;
            }

            if (Pack is not null)
            {
                await Pack.PutAsync(cid, block, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Store.PutAsync(cid, block, cancellationToken).ConfigureAwait(false);
            }

            peer.Blocks++;
            _blocks++;
            _progress?.Report(new FetchProgress(_blocks, _bytes));
        }

        public FetchResult Result() =>
            new(Root, _blocks, _bytes, [.. Peers.Select(p => new PeerTransfer(p.Url, p.Blocks, p.Bytes, p.Failure))]);
    }
}
