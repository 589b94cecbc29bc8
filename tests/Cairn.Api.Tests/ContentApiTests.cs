using System.Net;
using System.Text;
using System.Text.Json;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;

namespace Cairn.Api.Tests;

public sealed class ContentApiTests
{
    private static CancellationToken Ct => TestContext.Current;

    private static byte[] Data(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact(Timeout = 120_000)]
    public async Task GatewayCar_OfAMultiBlockFile_IsReadByIpldCarAndMatchesTheReferenceImporter()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var data = Data(700_000, 1);
        var input = host.TempPath("input.bin");
        await File.WriteAllBytesAsync(input, data, Ct);
        var root = (await new UnixFsImporter(host.Repo.Blocks, new ImportOptions()).ImportFileAsync(new MemoryStream(data), null, null, Ct)).Cid;

        var car = host.TempPath("fetched.car");
        await using (var file = File.Create(car))
        {
            await host.Client.GetCarAsync(root.ToString(), file, cancellationToken: Ct);
        }

        // @ipld/car reads it: one root (ours), every block hashes to its CID, in depth-first order.
        using var read = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["read", car], Ct));
        Assert.Equal(root.ToString(), Assert.Single(read.RootElement.GetProperty("roots").EnumerateArray()).GetString());
        var blocks = read.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        Assert.All(blocks, b => Assert.True(b.GetProperty("ok").GetBoolean()));
        using var dfs = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["dfs", car], Ct));
        Assert.Equal(dfs.RootElement.GetProperty("order").EnumerateArray().Select(e => e.GetString()), blocks.Select(b => b.GetProperty("cid").GetString()));

        // The reference importer makes the same DAG from the same bytes.
        using var reference = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["unixfs", input, host.TempPath("reference.car"), "v1"], Ct));
        Assert.Equal(root.ToString(), reference.RootElement.GetProperty("roots")[0].GetString());
        Assert.Equal(
            reference.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.ValueKind == JsonValueKind.String ? b.GetString() : b.GetProperty("cid").GetString()).Order(StringComparer.Ordinal),
            blocks.Select(b => b.GetProperty("cid").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task ImportCar_IntoAnotherRepo_VerifiesAndPinsTheWholeDag()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var dir = Directory.CreateDirectory(host.TempPath("tree"));
        await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "a.bin"), Data(300_000, 2), Ct);
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "b.txt"), "bee\n", Ct);
        var root = (await new UnixFsImporter(host.Repo.Blocks, new ImportOptions()).ImportPathAsync(dir.FullName, true, null, null, Ct)).Cid;

        using var other = ContentRepo.Open(host.TempPath("other"));
        var result = await host.Client.ImportCarAsync(root.ToString(), other, pin: true, Ct);
        Assert.True(result.Pinned);
        Assert.Equal(root, Assert.Single(result.Roots));
        using var copy = new MemoryStream();
        await new UnixFsExporter(other.Blocks).WriteFileAsync(await new UnixFsExporter(other.Blocks).ResolvePathAsync(root + "/a.bin", Ct), copy, Ct);
        Assert.Equal(Data(300_000, 2), copy.ToArray());
        Assert.NotNull(await other.Pins.GetAsync(root, Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task GatewayCar_WithAPath_IsRootedAtTheRequestedCidAndCarriesThePathBlocks()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var dir = Directory.CreateDirectory(host.TempPath("site"));
        Directory.CreateDirectory(Path.Combine(dir.FullName, "sub"));
        await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "sub", "big.bin"), Data(600_000, 4), Ct);
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "other.txt"), "not on the path\n", Ct);
        var root = (await new UnixFsImporter(host.Repo.Blocks, new ImportOptions()).ImportPathAsync(dir.FullName, true, null, null, Ct)).Cid;
        var exporter = new UnixFsExporter(host.Repo.Blocks);
        var sub = await exporter.ResolvePathAsync(root + "/sub", Ct);
        var file = await exporter.ResolvePathAsync(root + "/sub/big.bin", Ct);
        var fileBlocks = new List<string>();
        await using (var whole = File.Create(host.TempPath("file.car")))
        {
            await host.Client.GetCarAsync(file.ToString(), whole, cancellationToken: Ct);
        }

        using (var wholeRead = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["read", host.TempPath("file.car")], Ct)))
        {
            fileBlocks.AddRange(wholeRead.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("cid").GetString()!));
        }

        var car = host.TempPath("path.car");
        await using (var output = File.Create(car))
        {
            await host.Client.GetCarAsync(root.ToString(), output, "sub/big.bin", Ct);
        }

        using var read = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["read", car], Ct));
        Assert.Equal(root.ToString(), Assert.Single(read.RootElement.GetProperty("roots").EnumerateArray()).GetString());
        var blocks = read.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        Assert.All(blocks, b => Assert.True(b.GetProperty("ok").GetBoolean()));
        Assert.Equal([root.ToString(), sub.ToString(), .. fileBlocks], blocks.Select(b => b.GetProperty("cid").GetString()));
        Assert.Equal(4, fileBlocks.Count);

        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var one = await http.GetAsync($"ipfs/{root}/sub/big.bin?format=car&dag-scope=block", Ct);
        await File.WriteAllBytesAsync(host.TempPath("block.car"), await one.Content.ReadAsByteArrayAsync(Ct), Ct);
        using var oneRead = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["read", host.TempPath("block.car")], Ct));
        Assert.Equal([root.ToString(), sub.ToString(), file.ToString()], oneRead.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("cid").GetString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task GatewayCar_DagScopeEntity_CarriesAWholeFileButOnlyADirectorysOwnBlock()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var dir = Directory.CreateDirectory(host.TempPath("site"));
        Directory.CreateDirectory(Path.Combine(dir.FullName, "sub"));
        await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "sub", "big.bin"), Data(600_000, 5), Ct);
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "sub", "small.txt"), "a small file\n", Ct);
        var root = (await new UnixFsImporter(host.Repo.Blocks, new ImportOptions()).ImportPathAsync(dir.FullName, true, null, null, Ct)).Cid;
        var exporter = new UnixFsExporter(host.Repo.Blocks);
        var sub = await exporter.ResolvePathAsync(root + "/sub", Ct);
        var file = await exporter.ResolvePathAsync(root + "/sub/big.bin", Ct);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        async Task<List<string>> CidsAsync(string url, string name)
        {
            using var response = await http.GetAsync(url, Ct);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
            await File.WriteAllBytesAsync(host.TempPath(name), await response.Content.ReadAsByteArrayAsync(Ct), Ct);
            using var read = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["read", host.TempPath(name)], Ct));
            var blocks = read.RootElement.GetProperty("blocks").EnumerateArray().ToList();
            Assert.All(blocks, b => Assert.True(b.GetProperty("ok").GetBoolean()));
            return [.. blocks.Select(b => b.GetProperty("cid").GetString()!)];
        }

        // A file is an entity of all its blocks: the same as dag-scope=all for it, after the path.
        var all = await CidsAsync($"ipfs/{file}?format=car", "file-all.car");
        var entityFile = await CidsAsync($"ipfs/{root}/sub/big.bin?format=car&dag-scope=entity", "file-entity.car");
        Assert.Equal(4, all.Count); // 600,000 bytes in 256 KiB chunks: three leaves and the root
        Assert.Equal([root.ToString(), sub.ToString(), .. all], entityFile);

        // A directory's entity is its own block: enough to list it, none of its children.
        var entityDir = await CidsAsync($"ipfs/{root}/sub?format=car&dag-scope=entity", "dir-entity.car");
        Assert.Equal([root.ToString(), sub.ToString()], entityDir);
        var allDir = await CidsAsync($"ipfs/{root}/sub?format=car", "dir-all.car");
        Assert.True(allDir.Count > entityDir.Count + all.Count - 1, string.Join(",", allDir));
    }

    [Fact(Timeout = 60_000)]
    public async Task GatewayCar_DagScopeEntity_OfAHamtShardedDirectory_IsItsShardNodesOnly()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);

        // The reference importer shards a directory of 300 files (we do not write HAMTs ourselves).
        using var made = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["hamt", "300", host.TempPath("hamt.car")], Ct));
        var root = made.RootElement.GetProperty("roots")[0].GetString()!;
        var shards = made.RootElement.GetProperty("shards").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        Assert.True(shards.Count > 1 && shards.Contains(root));
        await using (var car = File.OpenRead(host.TempPath("hamt.car")))
        {
            await Cairn.Content.Car.CarImporter.ImportAsync(car, host.Repo, pin: false, Ct);
        }

        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await http.GetAsync($"ipfs/{root}?format=car&dag-scope=entity", Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
        await File.WriteAllBytesAsync(host.TempPath("entity.car"), await response.Content.ReadAsByteArrayAsync(Ct), Ct);
        using var read = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["read", host.TempPath("entity.car")], Ct));
        var got = read.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("cid").GetString()!).ToList();
        Assert.Equal(root, got[0]);
        Assert.Equal(shards, got.ToHashSet());
        Assert.Equal(got.Count, got.Distinct().Count());
    }

    [Fact(Timeout = 60_000)]
    public async Task ImportCar_WhenTheServersBlockIsDamaged_FailsAndPinsNothing()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var data = Data(700_000, 3);
        var root = (await new UnixFsImporter(host.Repo.Blocks, new ImportOptions()).ImportFileAsync(new MemoryStream(data), null, null, Ct)).Cid;

        // Damage the second 256 KiB leaf on the server's disk (raw leaves hold the chunk's bytes as they are).
        var chunk = data.AsSpan(262_144, 262_144).ToArray();
        var leaf = Directory.EnumerateFiles(host.Repo.FileStore.Root, "*.data", SearchOption.AllDirectories)
            .Single(f => new FileInfo(f).Length == chunk.Length && File.ReadAllBytes(f).AsSpan().SequenceEqual(chunk));
        chunk[1000] ^= 0xFF;
        await File.WriteAllBytesAsync(leaf, chunk, Ct);

        using var other = ContentRepo.Open(host.TempPath("other"));
        var e = await Assert.ThrowsAnyAsync<CairnException>(() => host.Client.ImportCarAsync(root.ToString(), other, pin: true, Ct));
        Assert.True(e.Code is ErrorCode.IoError or ErrorCode.NotFound or ErrorCode.IntegrityViolation, e.Code + ": " + e.Message);
        Assert.Null(await other.Pins.GetAsync(root, Ct));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(16 * 1024 * 1024)]
    [InlineData(100_000)]
    public async Task Cat_AFileBufferedOrStreamed_GivesItsBytes_AndADamagedBlockFails(int maxBuffered)
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, configure: o => o.MaxBufferedFileBytes = maxBuffered, cancellationToken: Ct);
        var data = Data(700_000, 5);
        var root = (await new UnixFsImporter(host.Repo.Blocks, new ImportOptions()).ImportFileAsync(new MemoryStream(data), null, null, Ct)).Cid;
        using (var whole = new MemoryStream())
        {
            await host.Client.CatAsync(root.ToString(), whole, cancellationToken: Ct);
            Assert.Equal(data, whole.ToArray());
        }

        // Damage the last leaf: buffered, the answer is a problem; streamed, the connection is cut after 256 KiB went out.
        var chunk = data.AsSpan(524_288).ToArray();
        var leaf = Directory.EnumerateFiles(host.Repo.FileStore.Root, "*.data", SearchOption.AllDirectories)
            .Single(f => new FileInfo(f).Length == chunk.Length && File.ReadAllBytes(f).AsSpan().SequenceEqual(chunk));
        chunk[0] ^= 1;
        await File.WriteAllBytesAsync(leaf, chunk, Ct);
        using var partial = new MemoryStream();
        var e = await Assert.ThrowsAnyAsync<CairnException>(() => host.Client.CatAsync(root.ToString(), partial, cancellationToken: Ct));
        Assert.Equal(maxBuffered > data.Length ? ErrorCode.IntegrityViolation : ErrorCode.IoError, e.Code);
        Assert.True(partial.Length < data.Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task ContentAndRaw_ServeFilesListingsAndVerifiedBlocks()
    {
        await using var host = await ApiHost.StartAsync(withLedger: false, cancellationToken: Ct);
        var dir = Directory.CreateDirectory(host.TempPath("site"));
        Directory.CreateDirectory(Path.Combine(dir.FullName, "sub"));
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "sub", "hello.txt"), "hello, gateway\n", Ct);
        var root = (await new UnixFsImporter(host.Repo.Blocks, new ImportOptions()).ImportPathAsync(dir.FullName, true, null, null, Ct)).Cid;

        var listing = await host.Client.ListContentAsync(root.ToString(), cancellationToken: Ct);
        Assert.Equal("sub", Assert.Single(listing.Items).Name);
        Assert.Equal("directory", listing.Items[0].Type);

        using var text = new MemoryStream();
        await host.Client.CatAsync(root.ToString(), text, "sub/hello.txt", Ct);
        Assert.Equal("hello, gateway\n", Encoding.UTF8.GetString(text.ToArray()));

        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        Assert.Equal("hello, gateway\n", await http.GetStringAsync($"ipfs/{root}/sub/hello.txt", Ct));

        using (var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"ipfs/{root}/sub/hello.txt?format=raw"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("application/vnd.ipld.raw", head.Content.Headers.ContentType?.MediaType);
            Assert.Equal(3, head.Headers.GetValues("X-Ipfs-Roots").Single().Split(',').Length);
        }

        using (var headMissing = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"ipfs/{root}/nope"), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, headMissing.StatusCode);
        }

        var block = await host.Client.GetBlockAsync(root, Ct);
        Assert.Equal(await host.Repo.Blocks.GetAsync(root, Ct), block);
        using var raw = await http.GetAsync($"ipfs/{root}?format=raw", Ct);
        Assert.Equal("application/vnd.ipld.raw", raw.Content.Headers.ContentType?.MediaType);

        var missing = Cid.Compute(1, Multicodec.Raw, "not stored"u8.ToArray());
        using var notHere = await http.GetAsync($"ipfs/{missing}?format=car", Ct);
        Assert.Equal(HttpStatusCode.NotFound, notHere.StatusCode);
        Assert.Equal("application/problem+json", notHere.Content.Headers.ContentType?.MediaType);
        var e = await Assert.ThrowsAsync<CairnException>(() => host.Client.CatAsync(root.ToString(), Stream.Null, "sub/nope.txt", Ct));
        Assert.Equal(ErrorCode.NotFound, e.Code);
        var bad = await Assert.ThrowsAsync<CairnException>(() => host.Client.CatAsync("not-a-cid", Stream.Null, null, Ct));
        Assert.Equal(ErrorCode.InvalidArgument, bad.Code);
    }
}
