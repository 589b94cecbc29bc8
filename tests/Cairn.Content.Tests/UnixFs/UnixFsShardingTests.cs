using System.Text.Json.Nodes;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Tests.UnixFs;

/// <summary>HAMT-sharded directories: refused on read (never misread as flat ones) and never built differently from ipfs.</summary>
public sealed class UnixFsShardingTests
{
    [Fact(Timeout = 120_000)]
    public async Task Export_JsShardedDirectory_IsUnsupportedNamingTheCid()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var dir = new TempDir();
        var source = UnixFsExportInteropTests.MakeTree(dir.Combine("src"));
        var options = new JsonObject { ["shardSplitThresholdBytes"] = 1 };
        var theirs = await UnixFsOracle.RunAsync([new JsonObject { ["op"] = "import", ["id"] = "s", ["kind"] = "dir", ["path"] = source, ["options"] = options, ["dump"] = dir.Combine("blocks") }], cts.Token);
        var store = await UnixFsExportInteropTests.LoadBlocksAsync(dir.Combine("blocks"), cts.Token);
        var root = Cid.Parse(theirs["s"]["root"]!.GetValue<string>());
        var exporter = new UnixFsExporter(store);
        var e = await Assert.ThrowsAsync<CairnException>(() => exporter.ExportAsync(root, dir.Combine("out"), cts.Token));
        Assert.Equal(ErrorCode.Unsupported, e.Code);
        Assert.Contains(root.ToString(), e.Message, StringComparison.Ordinal);
        var e2 = await Assert.ThrowsAsync<CairnException>(() => exporter.ResolvePathAsync(root + "/README", cts.Token));
        Assert.Equal(ErrorCode.Unsupported, e2.Code);
    }

    [Fact(Timeout = 120_000)]
    public async Task Import_DirectoryPastShardThreshold_IsUnsupportedRatherThanDifferent()
    {
        using var dir = new TempDir();
        var big = dir.Combine("big");
        Directory.CreateDirectory(big);
        for (var i = 0; i < 1200; i++)
        {
            File.WriteAllBytes(Path.Combine(big, $"{i:D5}-{new string('n', 195)}"), []);
        }

        var e = await Assert.ThrowsAsync<CairnException>(() => new UnixFsImporter(new MemoryBlockStore(), new ImportOptions()).ImportPathAsync(big, true, null, null, CancellationToken.None));
        Assert.Equal(ErrorCode.Unsupported, e.Code);
        Assert.Contains("HAMT", e.Message, StringComparison.Ordinal);
    }
}
