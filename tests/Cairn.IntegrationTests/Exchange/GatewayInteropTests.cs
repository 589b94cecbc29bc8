using System.Text.Json.Nodes;

namespace Cairn.IntegrationTests.Exchange;

/// <summary>
/// The reference JS stack (@ipld/car, multiformats hashing, ipfs-unixfs-exporter) fetches from a
/// running Cairn node's trustless gateway and verifies what it got (tests/interop/gateway-fetch.mjs).
/// </summary>
public class GatewayInteropTests
{
    [Fact(Timeout = 180_000)]
    public async Task ReferenceClient_FetchesCarAndRawFromNode_VerifiesEveryBlockAndRebuildsTheFiles()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("in", "sub"));
        var big = new byte[(5 * 256 * 1024) + 4321];
        Random.Shared.NextBytes(big);
        await File.WriteAllBytesAsync(dir.Combine("in", "big.bin"), big, ct);
        await File.WriteAllTextAsync(dir.Combine("in", "sub", "note.txt"), "verified by the reference stack\n", ct);
        var root = await JobLoopTests.AddAsync(node.Home, dir.Combine("in"), ct);
        var fileRoot = await JobLoopTests.AddAsync(node.Home, dir.Combine("in", "big.bin"), ct);

        foreach (var (cid, path, original, minBlocks) in new[]
        {
            (root, "big.bin", dir.Combine("in", "big.bin"), 8), // dir root + big.bin root + 6 leaves
            (root, "sub/note.txt", dir.Combine("in", "sub", "note.txt"), 3),
            (fileRoot, (string?)null, dir.Combine("in", "big.bin"), 7),
        })
        {
            var args = new List<string> { node.Node.ApiUrl.ToString(), cid, original };
            if (path is not null)
            {
                args.Add(path);
            }

            var report = JsonNode.Parse(await NodeOracle.RunAsync("gateway-fetch.mjs", args, ct))!;

            var what = $"{cid}/{path}: {report.ToJsonString()}";
            Assert.True(report["carStatus"]!.GetValue<int>() == 200, what);
            Assert.StartsWith("application/vnd.ipld.car", report["carType"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(cid, report["roots"]![0]!.GetValue<string>());
            Assert.True(report["blocks"]!.GetValue<int>() >= minBlocks, what);
            Assert.Empty(report["badHashes"]!.AsArray());
            Assert.Empty(report["unreachable"]!.AsArray());
            Assert.Empty(report["missing"]!.AsArray());
            Assert.True(report["equal"]!.GetValue<bool>(), what);
            Assert.Null(report["rebuildError"]);
            Assert.Equal(new FileInfo(original).Length, report["size"]!.GetValue<long>());
            Assert.Equal(200, report["rawStatus"]!.GetValue<int>());
            Assert.Equal("application/vnd.ipld.raw", report["rawType"]!.GetValue<string>());
            Assert.True(report["rawOk"]!.GetValue<bool>(), what);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task ReferenceClient_FetchesFromANodeThatFetchedTheContent_ServedFromItsPack_WhichIsACar()
    {
        // Node B holds the DAG only as it fetched it from A: one pack, no block files. The reference
        // client fetches from B and verifies every block, so serving from packs is what it checks;
        // the reference CAR reader reads the pack file itself.
        var ct = TestContext.Current;
        await using var a = await TestNode.StartAsync(ct);
        await using var b = await TestNode.StartAsync(ct);
        using var dir = new TempDir();
        var data = new byte[(4 * 256 * 1024) + 77];
        Random.Shared.NextBytes(data);
        await File.WriteAllBytesAsync(dir.Combine("data.bin"), data, ct);
        var root = await JobLoopTests.AddAsync(a.Home, dir.Combine("data.bin"), ct);
        using (var http = new HttpClient())
        using (var repo = Cairn.Content.Storage.ContentRepo.Open(b.Home))
        {
            await new Cairn.Content.Exchange.GatewayFetcher(http, new Cairn.Content.Exchange.StaticPeerSource([a.Node.ApiUrl]))
                .FetchDagAsync(Cairn.Multiformats.Cid.Parse(root), repo.Blocks, null, ct);
        }

        var pack = Assert.Single(Directory.GetFiles(Path.Combine(b.Home, "blocks", "packs"), "*.car"));
        Assert.Empty(Directory.GetFiles(Path.Combine(b.Home, "blocks"), "*.data", SearchOption.AllDirectories));

        // The pack itself is a CAR the reference reader takes: the fetch's root, every block hashing to its CID.
        var read = JsonNode.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["read", pack], ct))!;
        Assert.Equal(root, read["roots"]![0]!.GetValue<string>());
        Assert.Equal(6, read["blocks"]!.AsArray().Count);
        Assert.All(read["blocks"]!.AsArray(), block => Assert.True(block!["ok"]!.GetValue<bool>(), read.ToJsonString()));

        var report = JsonNode.Parse(await NodeOracle.RunAsync("gateway-fetch.mjs", [b.Node.ApiUrl.ToString(), root, dir.Combine("data.bin")], ct))!;

        var what = report.ToJsonString();
        Assert.True(report["carStatus"]!.GetValue<int>() == 200, what);
        Assert.True(report["blocks"]!.GetValue<int>() >= 6, what); // root + 5 leaves
        Assert.Empty(report["badHashes"]!.AsArray());
        Assert.Empty(report["missing"]!.AsArray());
        Assert.True(report["equal"]!.GetValue<bool>(), what);
        Assert.True(report["rawOk"]!.GetValue<bool>(), what);
    }

    [Fact(Timeout = 180_000)]
    public async Task ReferenceClient_BehindALyingPeer_ReportsTheBadBlock()
    {
        // The oracle's own check can fail: through a proxy that flips a byte, it must see a bad hash.
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        await using var liar = new LyingPeer(node.Node.ApiUrl);
        using var dir = new TempDir();
        var data = new byte[(2 * 256 * 1024) + 10];
        Random.Shared.NextBytes(data);
        await File.WriteAllBytesAsync(dir.Combine("data.bin"), data, ct);
        var root = await JobLoopTests.AddAsync(node.Home, dir.Combine("data.bin"), ct);

        var report = JsonNode.Parse(await NodeOracle.RunAsync("gateway-fetch.mjs", [liar.Url.ToString(), root, dir.Combine("data.bin")], ct))!;

        // The proxy flips a byte in the CAR's last block (the last leaf) and in the raw root block.
        Assert.Single(report["badHashes"]!.AsArray());
        Assert.False(report["equal"]!.GetValue<bool>(), report.ToJsonString());
        Assert.NotNull(report["rebuildError"]?.GetValue<string>());
        Assert.False(report["rawOk"]!.GetValue<bool>(), report.ToJsonString());
    }
}
