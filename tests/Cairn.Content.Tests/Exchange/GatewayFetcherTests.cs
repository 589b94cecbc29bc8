using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Cairn.Content.Car;
using Cairn.Content.Exchange;
using Cairn.Content.Tests.Storage;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Tests.Exchange;

/// <summary>
/// <see cref="GatewayFetcher"/> against stub peers (<see cref="HttpStub"/>) serving a real DAG built by
/// Cairn's importer, honestly or with deliberate faults. Fetching from real nodes is in
/// Cairn.IntegrationTests/Exchange.
/// </summary>
public sealed class GatewayFetcherTests
{
    private const int FileBytes = (3 * 256 * 1024) + 1000; // four raw leaves under one dag-pb root

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_FromHonestPeer_StoresByteIdenticalDagInOneCarRequest()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        await using var peer = new HttpStub(Honest(source));
        var target = new MemoryBlockStore();
        var progress = new List<FetchProgress>();

        var result = await Fetcher(peer.Url).FetchDagAsync(root, target, new SyncProgress(progress), ct);

        Assert.Equal(data, await ExportAsync(target, root, ct));
        Assert.Equal(await CountAsync(source, ct), result.BlocksFetched);
        Assert.Single(peer.Requests);
        Assert.Contains("format=car", peer.Requests[0], StringComparison.Ordinal);
        Assert.Null(result.Peers[0].Failure);
        Assert.True(result.BytesFetched > data.Length);
        Assert.Equal(result.BlocksFetched, progress[^1].Blocks);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_IntoARepository_StoresTheCarAsOnePackVisibleToOtherProcesses()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        await using var peer = new HttpStub(Honest(source));
        using var home = new TempHome();
        using (var repo = home.Open())
        {
            var result = await Fetcher(peer.Url).FetchDagAsync(root, repo.Blocks, null, ct);
            Assert.Equal(await CountAsync(source, ct), result.BlocksFetched);
        }

        // A file per block is what made fetching slow: the CAR's blocks land in one pack, no loose files.
        Assert.Single(Directory.GetFiles(Path.Combine(home.Blocks, "packs"), "*.car"));
        Assert.Empty(Directory.GetFiles(home.Blocks, "*.data", SearchOption.AllDirectories));

        // A fresh repository instance (as another process would open it) reads them through the index.
        using var again = home.Open();
        Assert.Equal(data, await ExportAsync(again.Blocks, root, ct));
        Assert.Equal(await CountAsync(source, ct), await CountAsync(again.Blocks, ct));
        Assert.Null(await GatewayFetcher.FindMissingAsync(root, again.Blocks, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_TruncatedCarIntoARepository_PackedBlocksCountAndOnlyTheRestIsFetchedRaw()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        await using var peer = new HttpStub(CarCutShort(source));
        using var home = new TempHome();
        using var repo = home.Open();

        await Fetcher(peer.Url).FetchDagAsync(root, repo.Blocks, null, ct);

        // The pack was committed before the walk for missing blocks: one raw request, not five.
        Assert.Equal(2, peer.RequestCount);
        Assert.Equal(data, await ExportAsync(repo.Blocks, root, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_AlreadyLocal_AsksNoPeer()
    {
        var ct = TestTimeout.Token();
        var (source, root, _) = await BuildAsync(ct);
        await using var peer = new HttpStub(Honest(source));

        var result = await Fetcher(peer.Url).FetchDagAsync(root, source, null, ct);

        Assert.True(result.WasLocal);
        Assert.Equal(0, peer.RequestCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_LyingPeerFlipsAByte_IsDroppedAndBlockComesFromHonestPeer()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        // A deliberately lying peer: it serves every block with one byte flipped in the last leaf.
        var victim = (await BlockLinks(source, root, ct))[^1];
        await using var liar = new HttpStub(Honest(source, tamper: (cid, block) => cid == victim ? Flip(block) : block));
        await using var honest = new HttpStub(Honest(source));
        var target = new MemoryBlockStore();

        var result = await Fetcher(liar.Url, honest.Url).FetchDagAsync(root, target, null, ct);

        Assert.Equal(data, await ExportAsync(target, root, ct));
        Assert.Contains($"does not hash to its CID {victim}", result.Peers[0].Failure, StringComparison.Ordinal);
        Assert.Contains("dropped", result.Peers[0].Failure, StringComparison.Ordinal);
        Assert.Null(result.Peers[1].Failure);
        Assert.True(result.Peers[1].Blocks >= 1);
        Assert.Single(liar.Requests); // dropped after its CAR: never asked again
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_OnlyPeerLies_FailsNamingItAndStoresNoWrongBlock()
    {
        var ct = TestTimeout.Token();
        var (source, root, _) = await BuildAsync(ct);
        var victim = (await BlockLinks(source, root, ct))[1];
        await using var liar = new HttpStub(Honest(source, tamper: (cid, block) => cid == victim ? Flip(block) : block));
        var target = new MemoryBlockStore();

        var e = await Assert.ThrowsAsync<CairnException>(() => Fetcher(liar.Url).FetchDagAsync(root, target, null, ct));

        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains(victim.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains(liar.Url.ToString(), e.Message, StringComparison.Ordinal);
        Assert.False(await target.HasAsync(victim, ct));
        await foreach (var cid in target.ListAsync(ct))
        {
            Assert.NotNull(await target.GetAsync(cid, ct)); // verified: throws on a wrong block
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_CarWithBlockOutsideTheDag_IsDropped()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        var foreign = RandomNumberGenerator.GetBytes(100);
        var foreignCid = Cid.Compute(1, Multicodec.Raw, foreign);
        await using var liar = new HttpStub(target =>
            target.Contains("format=car", StringComparison.Ordinal)
                ? (200, Car([root], [(root, source.GetAsync(root).AsTask().Result!), (foreignCid, foreign)]))
                : (404, []));
        await using var honest = new HttpStub(Honest(source));
        var store = new MemoryBlockStore();

        var result = await Fetcher(liar.Url, honest.Url).FetchDagAsync(root, store, null, ct);

        Assert.Equal(data, await ExportAsync(store, root, ct));
        Assert.Contains($"sent block {foreignCid}, which is not in the DAG", result.Peers[0].Failure, StringComparison.Ordinal);
        Assert.False(await store.HasAsync(foreignCid, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_TruncatedCar_KeepsWhatArrivedAndFetchesTheRestRaw()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        await using var peer = new HttpStub(CarCutShort(source));
        var store = new MemoryBlockStore();

        var result = await Fetcher(peer.Url).FetchDagAsync(root, store, null, ct);

        Assert.Equal(data, await ExportAsync(store, root, ct));
        Assert.Contains("truncated", result.Peers[0].Failure, StringComparison.Ordinal);
        // The CAR delivered all but the last leaf: exactly one raw request follows it.
        Assert.Equal(2, peer.RequestCount);
        Assert.Contains("format=raw", peer.Requests[1], StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_UnknownOnEveryPeer_NotFoundNamingTheCidAndEachPeer()
    {
        var ct = TestTimeout.Token();
        var root = Cid.Compute(1, Multicodec.Raw, RandomNumberGenerator.GetBytes(64));
        await using var a = new HttpStub(_ => (404, []));
        await using var b = new HttpStub(_ => (404, []));

        var e = await Assert.ThrowsAsync<CairnException>(() => Fetcher(a.Url, b.Url).FetchDagAsync(root, new MemoryBlockStore(), null, ct));

        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains(root.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains(a.Url + ": block " + root + " answered 404", e.Message, StringComparison.Ordinal);
        Assert.Contains(b.Url + ": block " + root + " answered 404", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Hint);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_UnreachablePeerFirst_IsSkippedForTheNext()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        await using var honest = new HttpStub(Honest(source));
        var store = new MemoryBlockStore();

        var result = await Fetcher(DeadPeer(), honest.Url).FetchDagAsync(root, store, null, ct);

        Assert.Equal(data, await ExportAsync(store, root, ct));
        Assert.Contains("could not be reached", result.Peers[0].Failure, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_OnlyUnreachablePeers_ServiceUnavailable()
    {
        var ct = TestTimeout.Token();
        var root = Cid.Compute(1, Multicodec.Raw, RandomNumberGenerator.GetBytes(64));

        var e = await Assert.ThrowsAsync<CairnException>(() => Fetcher(DeadPeer()).FetchDagAsync(root, new MemoryBlockStore(), null, ct));

        Assert.Equal(ErrorCode.ServiceUnavailable, e.Code);
        Assert.Contains(root.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_NoPeers_NotFoundWithHint()
    {
        var ct = TestTimeout.Token();
        var root = Cid.Compute(1, Multicodec.Raw, RandomNumberGenerator.GetBytes(64));
        using var http = new HttpClient();

        var e = await Assert.ThrowsAsync<CairnException>(() => new GatewayFetcher(http, new StaticPeerSource([])).FetchDagAsync(root, new MemoryBlockStore(), null, ct));

        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains("--peer", e.Hint, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_RawOnly_FetchesBlockByBlock()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        await using var peer = new HttpStub(Honest(source));
        var store = new MemoryBlockStore();
        using var http = new HttpClient();

        var result = await new GatewayFetcher(http, new StaticPeerSource([peer.Url]), new GatewayFetcherOptions { UseCar = false }).FetchDagAsync(root, store, null, ct);

        Assert.Equal(data, await ExportAsync(store, root, ct));
        Assert.Equal(await CountAsync(source, ct), peer.RequestCount);
        Assert.All(peer.Requests, r => Assert.Contains("format=raw", r, StringComparison.Ordinal));
        Assert.Equal(peer.RequestCount, result.BlocksFetched);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_BlockLargerThanTheCap_PeerDropped()
    {
        var ct = TestTimeout.Token();
        var (source, root, _) = await BuildAsync(ct);
        await using var peer = new HttpStub(Honest(source));
        using var http = new HttpClient();
        var options = new GatewayFetcherOptions { MaxBlockBytes = 1024 };

        var e = await Assert.ThrowsAsync<CairnException>(() => new GatewayFetcher(http, new StaticPeerSource([peer.Url]), options).FetchDagAsync(root, new MemoryBlockStore(), null, ct));

        Assert.Contains("the limit is 1024", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_SilentPeer_IsDroppedAfterTheIdleTimeoutForTheNext()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        await using var silent = new HttpStub(_ => (HttpStub.Hang, []));
        await using var honest = new HttpStub(Honest(source));
        var store = new MemoryBlockStore();
        var options = new GatewayFetcherOptions { IdleTimeout = TimeSpan.FromSeconds(3) };

        var result = await new GatewayFetcher(SharedHttp, new StaticPeerSource([silent.Url, honest.Url]), options).FetchDagAsync(root, store, null, ct);

        Assert.Equal(data, await ExportAsync(store, root, ct));
        Assert.Contains("sent nothing for 3 s", result.Peers[0].Failure, StringComparison.Ordinal);
        Assert.Single(silent.Requests); // dropped: not asked for raw blocks after
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_PeerClosesWithoutAnswering_NextPeerServes()
    {
        var ct = TestTimeout.Token();
        var (source, root, data) = await BuildAsync(ct);
        await using var rude = new HttpStub(_ => (HttpStub.Close, []));
        await using var honest = new HttpStub(Honest(source));
        var store = new MemoryBlockStore();

        var result = await Fetcher(rude.Url, honest.Url).FetchDagAsync(root, store, null, ct);

        Assert.Equal(data, await ExportAsync(store, root, ct));
        Assert.Contains("its CAR request failed", result.Peers[0].Failure, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_OnlyPeerClosesWithoutAnswering_ServiceUnavailable()
    {
        var ct = TestTimeout.Token();
        var root = Cid.Compute(1, Multicodec.Raw, RandomNumberGenerator.GetBytes(64));
        await using var rude = new HttpStub(_ => (HttpStub.Close, []));

        var e = await Assert.ThrowsAsync<CairnException>(() => Fetcher(rude.Url).FetchDagAsync(root, new MemoryBlockStore(), null, ct));

        Assert.Equal(ErrorCode.ServiceUnavailable, e.Code);
        Assert.Contains($"block {root} request failed", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task FetchDag_Cancelled_ThrowsOperationCanceled()
    {
        var ct = TestTimeout.Token();
        var (source, root, _) = await BuildAsync(ct);
        await using var silent = new HttpStub(_ => (HttpStub.Hang, []));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var fetch = Fetcher(silent.Url).FetchDagAsync(root, new MemoryBlockStore(), null, cancel.Token);
        while (silent.RequestCount == 0)
        {
            await Task.Delay(10, ct);
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
    }

    [Fact(Timeout = 120_000)]
    public async Task FetchDag_RandomDagsAndRandomFaults_NeverStoresAWrongOrForeignBlock()
    {
        var ct = TestTimeout.Token(110);
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            // Small chunks and few links per node: deep trees of many blocks.
            var data = new byte[random.Next(1, 40 * 1024)];
            random.NextBytes(data);
            var source = new MemoryBlockStore();
            var root = (await new UnixFsImporter(source, new ImportOptions { ChunkSize = 1024, MaxLinks = 4 }).ImportFileAsync(new MemoryStream(data), null, null, ct)).Cid;
            var all = new List<Cid>();
            await foreach (var cid in source.ListAsync(ct))
            {
                all.Add(cid);
            }

            var victim = all[random.Next(all.Count)];
            var fault = random.Next(4);
            var honest = Honest(source);
            var foreign = RandomNumberGenerator.GetBytes(50);
            Func<string, (int, byte[])> lying = fault switch
            {
                0 => Honest(source, (cid, block) => cid == victim ? Flip(block) : block),
                1 => target => honest(target) is var (status, body) && target.Contains("format=car", StringComparison.Ordinal)
                    ? (status, body[..random.Next(1, body.Length)])
                    : (status, body),
                2 => target => target.Contains("format=car", StringComparison.Ordinal)
                    ? (200, Car([root], [(root, source.GetAsync(root).AsTask().Result!), (Cid.Compute(1, Multicodec.Raw, foreign), foreign)]))
                    : honest(target),
                _ => Honest(source, (cid, block) => cid == victim ? [.. block, 0] : block),
            };
            await using var liar = new HttpStub(lying);
            await using var good = new HttpStub(honest);
            var withHonest = new MemoryBlockStore();
            var alone = new MemoryBlockStore();

            var result = await Fetcher(liar.Url, good.Url).FetchDagAsync(root, withHonest, null, ct);
            var fetched = await ExportAsync(withHonest, root, ct);
            Assert.True(data.AsSpan().SequenceEqual(fetched), $"seed {seed}, fault {fault}: {result.Peers[0].Failure}");
            try
            {
                await Fetcher(liar.Url).FetchDagAsync(root, alone, null, ct);
                var fromLiar = await ExportAsync(alone, root, ct);
                Assert.True(data.AsSpan().SequenceEqual(fromLiar), $"seed {seed}, fault {fault}");
            }
            catch (CairnException e) when (e.Code == ErrorCode.NotFound)
            {
                Assert.Contains(liar.Url.ToString(), e.Message, StringComparison.Ordinal);
            }

            foreach (var store in new[] { withHonest, alone })
            {
                await foreach (var cid in store.ListAsync(ct))
                {
                    Assert.Contains(cid, all);
                    Assert.Equal(await source.GetAsync(cid, ct), await store.GetAsync(cid, ct));
                }
            }
        }
    }

    private static GatewayFetcher Fetcher(params Uri[] peers) => new(SharedHttp, new StaticPeerSource(peers));

    private static readonly HttpClient SharedHttp = new();

    /// <summary>An address nothing listens on (a port just released).</summary>
    private static Uri DeadPeer()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static async Task<(MemoryBlockStore Store, Cid Root, byte[] Data)> BuildAsync(CancellationToken ct)
    {
        var data = RandomNumberGenerator.GetBytes(FileBytes);
        var store = new MemoryBlockStore();
        var entry = await new UnixFsImporter(store, new ImportOptions()).ImportFileAsync(new MemoryStream(data), null, null, ct);
        return (store, entry.Cid, data);
    }

    private static async Task<List<Cid>> BlockLinks(IBlockStore store, Cid root, CancellationToken ct) =>
        [.. Content.BlockLinks.Get(root, (await store.GetAsync(root, ct))!)];

    private static async Task<long> CountAsync(IBlockStore store, CancellationToken ct)
    {
        long n = 0;
        await foreach (var _ in store.ListAsync(ct))
        {
            n++;
        }

        return n;
    }

    private static async Task<byte[]> ExportAsync(IBlockStore store, Cid root, CancellationToken ct)
    {
        using var output = new MemoryStream();
        await new UnixFsExporter(store).WriteFileAsync(root, output, ct);
        return output.ToArray();
    }

    private static byte[] Flip(byte[] block)
    {
        var copy = (byte[])block.Clone();
        copy[copy.Length / 2] ^= 0x01;
        return copy;
    }

    /// <summary>A gateway over <paramref name="store"/>: raw blocks and whole-DAG CARs in pre-order, optionally tampering with blocks.</summary>
    private static Func<string, (int, byte[])> Honest(MemoryBlockStore store, Func<Cid, byte[], byte[]>? tamper = null) => target =>
    {
        tamper ??= (_, b) => b;
        var path = target.Split('?')[0];
        var cid = Cid.Parse(path["/ipfs/".Length..]);
        var block = store.GetAsync(cid).AsTask().Result;
        if (block is null)
        {
            return (404, []);
        }

        if (target.Contains("format=raw", StringComparison.Ordinal))
        {
            return (200, tamper(cid, block));
        }

        var blocks = new List<(Cid, byte[])>();
        var stack = new Stack<Cid>();
        stack.Push(cid);
        while (stack.TryPop(out var next))
        {
            var bytes = store.GetAsync(next).AsTask().Result!;
            blocks.Add((next, tamper(next, bytes)));
            var links = Content.BlockLinks.Get(next, bytes);
            for (var i = links.Count - 1; i >= 0; i--)
            {
                stack.Push(links[i]);
            }
        }

        return (200, Car([cid], blocks));
    };

    /// <summary>An honest gateway whose CARs lose their last 1,000 bytes (the last leaf, cut mid-block).</summary>
    private static Func<string, (int, byte[])> CarCutShort(MemoryBlockStore store)
    {
        var honest = Honest(store);
        return target =>
        {
            var (status, body) = honest(target);
            return target.Contains("format=car", StringComparison.Ordinal) ? (status, body[..(body.Length - 1000)]) : (status, body);
        };
    }

    private static byte[] Car(IReadOnlyList<Cid> roots, IEnumerable<(Cid Cid, byte[] Block)> blocks)
    {
        using var output = new MemoryStream();
        var writer = new CarWriter(output);
        writer.WriteHeaderAsync(roots, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        foreach (var (cid, block) in blocks)
        {
            writer.WriteBlockAsync(cid, block, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return output.ToArray();
    }

    /// <summary>Records reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class SyncProgress(List<FetchProgress> into) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value) => into.Add(value);
    }
}
