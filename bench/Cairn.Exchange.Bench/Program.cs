// Block transfer between two nodes on loopback, as ratios against plain loopback HTTP of the same bytes.
//   dotnet run -c Release --project bench/Cairn.Exchange.Bench -- [MiB=256] [rounds=3]
// Node A (a real embedded node, Kestrel on 127.0.0.1) holds a random file of MiB mebibytes
// (cairn add's layout: 256 KiB raw leaves). Each round measures, in this one process:
//   fetch  GatewayFetcher pulling the DAG from A's trustless gateway into an empty on-disk repository:
//          CAR parse, SHA-256 of every block, link checks, blocks appended to one pack (no fsync, like cairn add);
// and the same CAR bytes from a minimal HTTP server, as four baselines:
//   raw                     read and discarded (no parsing, hashing or storing): what the wire allows;
//   raw + SHA-256           every 256 KiB hashed as it arrives: the least a verifying client does;
//   raw to disk             written to a file on the same disk, as curl -o does;
//   raw + SHA-256 to disk   both: the least a client that verifies and keeps the bytes does;
// plus, to show where the time goes, the gateway's CAR drained unparsed (the serving side alone) and the
// fetch into a sink that keeps nothing (the verified pipeline without storage), and SHA-256 of the same
// bytes on one thread (what verification alone costs).
// Every measurement that writes starts after an untimed sync. It prints MB/s per round and the median
// fetch/baseline ratio for each baseline (the bar: >= 60%; docs/content-store.md says which).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Cairn.Content.Exchange;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Node;

var mib = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var root = Path.Combine(Path.GetTempPath(), "cairn-exchange-bench-" + Environment.ProcessId);
Directory.CreateDirectory(root);
try
{
    await using var node = await CairnNode.StartAsync(new NodeOptions { Home = Path.Combine(root, "a"), ApiAddress = "127.0.0.1:0", MarketEnabled = false }, CancellationToken.None);
    var file = Path.Combine(root, "data.bin");
    await using (var output = File.Create(file))
    {
        var chunk = new byte[1 << 20];
        for (var i = 0; i < mib; i++)
        {
            RandomNumberGenerator.Fill(chunk);
            await output.WriteAsync(chunk);
        }
    }

    Cid cid;
    using (var repo = ContentRepo.Open(node.Home.Root))
    {
        await repo.BeginWriteAsync();
        await using var input = File.OpenRead(file);
        cid = (await new UnixFsImporter(repo.Blocks, new ImportOptions()).ImportFileAsync(input, null, null, CancellationToken.None)).Cid;
        await repo.Pins.AddAsync(cid, PinMode.Recursive, null);
    }

    using var http = new HttpClient();
    var car = await http.GetByteArrayAsync(new Uri(node.ApiUrl, $"ipfs/{cid}?format=car"));
    using var server = new RawServer(car);
    Console.WriteLine($"{mib} MiB file, CAR {car.Length:N0} bytes, root {cid}");

    // Warm-up, untimed: the JIT compiles every path once (it took an eighth of the first round's CPU).
    await DrainAsync(http, server.Url);
    await DrainAsync(http, new Uri(node.ApiUrl, $"ipfs/{cid}?format=car"));
    await new GatewayFetcher(http, new StaticPeerSource([node.ApiUrl])).FetchDagAsync(cid, new Cairn.Storage.MemoryBlockStore());
    var ratios = new Dictionary<string, List<double>> { ["raw"] = [], ["raw + SHA-256"] = [], ["raw to disk"] = [], ["raw + SHA-256 to disk"] = [] };
    for (var round = 1; round <= rounds; round++)
    {
        var raw = car.Length / await DrainAsync(http, server.Url) / 1e6;
        var hashed = car.Length / await DrainAsync(http, server.Url, hash: true) / 1e6;
        var gateway = car.Length / await DrainAsync(http, new Uri(node.ApiUrl, $"ipfs/{cid}?format=car")) / 1e6;
        var hashClock = Stopwatch.StartNew();
        for (var at = 0; at < car.Length; at += 1 << 18)
        {
            SHA256.HashData(car.AsSpan(at, Math.Min(1 << 18, car.Length - at)));
        }

        var sha = car.Length / hashClock.Elapsed.TotalSeconds / 1e6;
        var sinkClock = Stopwatch.StartNew();
        await new GatewayFetcher(http, new StaticPeerSource([node.ApiUrl])).FetchDagAsync(cid, DiscardingBlockStore.Instance);
        var sink = car.Length / sinkClock.Elapsed.TotalSeconds / 1e6;
        var toDisk = car.Length / await DownloadAsync(http, server.Url, Path.Combine(root, "download"), hash: false) / 1e6;
        var hashedToDisk = car.Length / await DownloadAsync(http, server.Url, Path.Combine(root, "download"), hash: true) / 1e6;

        var home = Path.Combine(root, "b" + round);
        using var target = ContentRepo.Open(home);
        await target.BeginWriteAsync();
        Settle();
        var clock = Stopwatch.StartNew();
        var result = await new GatewayFetcher(http, new StaticPeerSource([node.ApiUrl])).FetchDagAsync(cid, target.Blocks);
        var fetch = result.BytesFetched / clock.Elapsed.TotalSeconds / 1e6;
        ratios["raw"].Add(fetch / raw);
        ratios["raw + SHA-256"].Add(fetch / hashed);
        ratios["raw to disk"].Add(fetch / toDisk);
        ratios["raw + SHA-256 to disk"].Add(fetch / hashedToDisk);
        Console.WriteLine($"round {round}: fetch into the store {fetch:0} MB/s ({result.BlocksFetched} blocks); raw {raw:0}, raw + SHA-256 {hashed:0}, raw to disk {toDisk:0}, raw + SHA-256 to disk {hashedToDisk:0}, gateway CAR drained {gateway:0}, fetch into a sink {sink:0}, SHA-256 alone on one thread {sha:0} MB/s; fetch/raw {fetch / raw:P0}");
        Directory.Delete(home, recursive: true);
    }

    foreach (var (baseline, values) in ratios)
    {
        values.Sort();
        Console.WriteLine($"median fetch/({baseline}) {values[values.Count / 2]:P0}  (rounds {values[0]:P0}-{values[^1]:P0})");
    }

    Console.WriteLine("bar: fetch >= 60% of raw loopback HTTP of the same bytes (see docs/content-store.md for which baseline)");
}
finally
{
    Directory.Delete(root, recursive: true);
}

static async Task<double> DrainAsync(HttpClient http, Uri url, bool hash = false)
{
    var clock = Stopwatch.StartNew();
    using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
    await using var body = await response.Content.ReadAsStreamAsync();
    var buffer = new byte[hash ? 256 * 1024 : 64 * 1024];
    int read;
    while ((read = hash ? await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false) : await body.ReadAsync(buffer)) > 0)
    {
        if (hash)
        {
            SHA256.HashData(buffer.AsSpan(0, read));
        }
    }

    return clock.Elapsed.TotalSeconds;
}

// Dirty pages left by the previous measurement would be written back during the next one: each timed
// run that writes to disk starts from a clean page cache state (sync, untimed).
static void Settle()
{
    using var sync = Process.Start("sync");
    sync.WaitForExit();
}

// A plain download to a file, as curl -o does: 256 KiB reads, each written at its offset (optionally hashed
// first, as a client that verifies must). The file is deleted afterwards; its write-back is not timed.
static async Task<double> DownloadAsync(HttpClient http, Uri url, string path, bool hash)
{
    Settle();
    var clock = Stopwatch.StartNew();
    using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead))
    await using (var body = await response.Content.ReadAsStreamAsync())
    using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
    {
        var buffer = new byte[256 * 1024];
        long at = 0;
        int read;
        while ((read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
        {
            if (hash)
            {
                SHA256.HashData(buffer.AsSpan(0, read));
            }

            RandomAccess.Write(file, buffer.AsSpan(0, read), at);
            at += read;
        }
    }

    var seconds = clock.Elapsed.TotalSeconds;
    File.Delete(path);
    return seconds;
}

/// <summary>Answers every GET with the same bytes: plain loopback HTTP, the baseline.</summary>
internal sealed class RawServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly byte[] _body;

    public RawServer(byte[] body)
    {
        _body = body;
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/data");

    public void Dispose() => _listener.Stop();

    private async Task LoopAsync()
    {
        while (true)
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new byte[8192];
            var read = 0;
            while (!Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                read += await stream.ReadAsync(request.AsMemory(read));
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {_body.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(_body);
        }
    }
}
