// Block transfer between two nodes on loopback, as a ratio against plain loopback HTTP of the same bytes.
//   dotnet run -c Release --project bench/Cairn.Exchange.Bench -- [MiB=256] [rounds=3]
// Node A (a real embedded node, Kestrel on 127.0.0.1) holds a random file of MiB mebibytes
// (cairn add's layout: 256 KiB raw leaves). Each round measures, in this one process:
//   raw    GET of the same CAR bytes from a minimal HTTP server on loopback (read and discarded:
//          no parsing, hashing or storing) — the ceiling the wire allows;
// and, to show where the time goes, the gateway's CAR drained unparsed, GatewayFetcher from the plain
// server (the fetching side alone) and from the node into memory; then
//   fetch  GatewayFetcher pulling the DAG from A's trustless gateway into an empty on-disk store:
//          CAR parse, SHA-256 of every block, link checks, one file per block (no fsync, like cairn add).
// It prints MB/s for both and fetch/raw per round, then the median ratio (the bar: >= 60%), and
// the same against raw + SHA-256 (the plain GET hashing every 256 KiB as it arrives on the reading
// thread): the least work any client that verifies what it receives must do.
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
    var ratios = new List<double>();
    var verifiedRatios = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        var raw = car.Length / await DrainAsync(http, server.Url) / 1e6;

        // What verification alone costs: SHA-256 of the same bytes in block-sized pieces, one thread.
        var hashClock = Stopwatch.StartNew();
        for (var at = 0; at < car.Length; at += 1 << 18)
        {
            SHA256.HashData(car.AsSpan(at, Math.Min(1 << 18, car.Length - at)));
        }

        var sha = car.Length / hashClock.Elapsed.TotalSeconds / 1e6;

        // The least any verifying client does: the same GET, every 256 KiB hashed as it arrives, one thread.
        var hashedRaw = car.Length / await DrainAsync(http, server.Url, hash: true) / 1e6;
        var gateway = car.Length / await DrainAsync(http, new Uri(node.ApiUrl, $"ipfs/{cid}?format=car")) / 1e6;
        var memory = new Cairn.Storage.MemoryBlockStore();
        var clock = Stopwatch.StartNew();
        await new GatewayFetcher(http, new StaticPeerSource([node.ApiUrl])).FetchDagAsync(cid, memory);
        var toMemory = car.Length / clock.Elapsed.TotalSeconds / 1e6;
        // The same CAR from the plain server (it answers every GET with it): the fetching side's cost alone.
        clock.Restart();
        await new GatewayFetcher(http, new StaticPeerSource([new Uri(server.Url, "/")])).FetchDagAsync(cid, new Cairn.Storage.MemoryBlockStore());
        var clientOnly = car.Length / clock.Elapsed.TotalSeconds / 1e6;

        var home = Path.Combine(root, "b" + round);
        using var target = ContentRepo.Open(home);
        await target.BeginWriteAsync();
        clock.Restart();
        var result = await new GatewayFetcher(http, new StaticPeerSource([node.ApiUrl])).FetchDagAsync(cid, target.Blocks);
        var fetch = result.BytesFetched / clock.Elapsed.TotalSeconds / 1e6;
        ratios.Add(fetch / raw);
        verifiedRatios.Add(fetch / hashedRaw);
        Console.WriteLine($"round {round}: raw {raw:0} MB/s, SHA-256 alone {sha:0} MB/s, gateway CAR drained {gateway:0} MB/s, fetch into memory {toMemory:0} MB/s, fetch from the plain server into memory {clientOnly:0} MB/s, fetch into store {fetch:0} MB/s ({result.BlocksFetched} blocks), fetch/raw {fetch / raw:P0}; raw + SHA-256 {hashedRaw:0} MB/s, fetch/(raw + SHA-256) {fetch / hashedRaw:P0}");
    }

    ratios.Sort();
    verifiedRatios.Sort();
    Console.WriteLine($"median fetch/raw {ratios[ratios.Count / 2]:P0} (bar >= 60%); median fetch/(raw + SHA-256) {verifiedRatios[verifiedRatios.Count / 2]:P0}");
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
