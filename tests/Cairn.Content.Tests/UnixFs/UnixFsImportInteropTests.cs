using System.Text.Json.Nodes;
using Cairn.Content.UnixFs;
using Cairn.Storage;

namespace Cairn.Content.Tests.UnixFs;

/// <summary>
/// Our importer against ipfs-unixfs-importer on the same inputs: identical root CIDs and identical
/// block sets, for kubo's CIDv1 default, kubo's CIDv0 default and CIDv1 with dag-pb leaves.
/// </summary>
public sealed class UnixFsImportInteropTests
{
    private static readonly string[] Configs = ["v1", "v0", "v1-dagpb", "v0-raw"];

    [Fact(Timeout = 600_000)]
    public async Task ImportFile_VariousSizes_MatchesJsImporter()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        var ct = cts.Token;
        using var dir = new TempDir();
        const int Chunk = 262144;
        long[] sizes = [0, 1, Chunk - 1, Chunk, Chunk + 1, 3 * Chunk, (174L * Chunk) - 1, 174L * Chunk, (174L * Chunk) + 1, (175L * Chunk) + 12345];
        var cases = new List<JsonObject>();
        var ours = new Dictionary<string, (string Root, string[] Cids)>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var path = dir.Combine($"f{i}");
            UnixFsOracle.WriteRandomFile(path, sizes[i], i);
            foreach (var config in Configs)
            {
                var id = $"{sizes[i]}/{config}";
                cases.Add(new JsonObject { ["op"] = "import", ["id"] = id, ["kind"] = "file", ["path"] = path, ["options"] = UnixFsOracle.Options(config) });
                ours[id] = await ImportFileAsync(path, UnixFsOracle.ImportOptions(config), ct);
            }
        }

        var theirs = await UnixFsOracle.RunAsync(cases, ct);
        foreach (var (id, (root, cids)) in ours)
        {
            Assert.True(theirs[id]["root"]!.GetValue<string>() == root, $"{id}: root {root} != JS {theirs[id]["root"]}");
            Assert.Equal(UnixFsOracle.Cids(theirs[id]), cids);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task ImportFile_SmallChunksAndFanout_DeepBalancedTreeMatchesJsImporter()
    {
        // Small chunks and a fan-out of 3 give a tree 5+ levels deep from a few KiB: it exercises every
        // reduction path of the balanced layout (full levels, partial levels, a lone node per level).
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        var ct = cts.Token;
        using var dir = new TempDir();
        var cases = new List<JsonObject>();
        var ours = new Dictionary<string, (string Root, string[] Cids)>();
        foreach (var (length, chunk, fanout) in new[] { (10_000L, 100, 3), (8_100L, 100, 3), (2_701L, 100, 3), (900L, 100, 3), (401L, 100, 2), (12_345L, 7, 11) })
        {
            var path = dir.Combine($"f{length}-{chunk}-{fanout}");
            UnixFsOracle.WriteRandomFile(path, length, (int)length);
            foreach (var config in Configs)
            {
                var id = $"{length}/{chunk}/{fanout}/{config}";
                var options = UnixFsOracle.Options(config);
                options["chunkSize"] = chunk;
                options["maxChildrenPerNode"] = fanout;
                cases.Add(new JsonObject { ["op"] = "import", ["id"] = id, ["kind"] = "file", ["path"] = path, ["options"] = options });
                ours[id] = await ImportFileAsync(path, UnixFsOracle.ImportOptions(config) with { ChunkSize = chunk, MaxLinks = fanout }, ct);
            }
        }

        var theirs = await UnixFsOracle.RunAsync(cases, ct);
        foreach (var (id, (root, cids)) in ours)
        {
            Assert.True(theirs[id]["root"]!.GetValue<string>() == root, $"{id}: root {root} != JS {theirs[id]["root"]}");
            Assert.Equal(UnixFsOracle.Cids(theirs[id]), cids);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task ImportDirectory_NestedTreeWithOddNames_MatchesJsImporter()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        var ct = cts.Token;
        using var dir = new TempDir();
        var root = dir.Combine("tree root");
        Directory.CreateDirectory(Path.Combine(root, "sub", "deeper", "deepest"));
        Directory.CreateDirectory(Path.Combine(root, "empty dir"));
        Directory.CreateDirectory(Path.Combine(root, "sub", "empty"));
        File.WriteAllText(Path.Combine(root, "README"), "read me\n");
        File.WriteAllText(Path.Combine(root, "a"), "a\n");
        File.WriteAllText(Path.Combine(root, "B"), "B\n");
        File.WriteAllBytes(Path.Combine(root, "empty file"), []);
        File.WriteAllText(Path.Combine(root, "naïve café ☕.txt"), "unicode\n");
        File.WriteAllText(Path.Combine(root, "日本語"), "cjk\n");
        File.WriteAllText(Path.Combine(root, "\U0001F600 emoji"), "astral plane sorts by UTF-8 bytes\n");
        File.WriteAllText(Path.Combine(root, "\uFF21 fullwidth"), "BMP char above surrogates\n");
        File.WriteAllText(Path.Combine(root, ".hidden"), "skipped like ipfs add -r\n");
        UnixFsOracle.WriteRandomFile(Path.Combine(root, "sub", "big.bin"), (2 * 262144) + 17, 7);
        File.WriteAllText(Path.Combine(root, "sub", "deeper", "deepest", "leaf.txt"), "leaf\n");
        File.CreateSymbolicLink(Path.Combine(root, "sub", "link-to-readme"), "../README");

        var cases = new List<JsonObject>();
        var ours = new Dictionary<string, (string Root, string[] Cids)>();
        foreach (var config in Configs)
        {
            cases.Add(new JsonObject { ["op"] = "import", ["id"] = config, ["kind"] = "dir", ["path"] = root, ["options"] = UnixFsOracle.Options(config) });
            var store = new MemoryBlockStore();
            var entries = new List<ImportedEntry>();
            var result = await new UnixFsImporter(store, UnixFsOracle.ImportOptions(config)).ImportPathAsync(root, recursive: true, entries.Add, null, ct);
            Assert.Equal(result, entries[^1]);
            Assert.Equal("tree root", result.Path);
            Assert.True(result.IsDirectory);
            Assert.DoesNotContain(entries, e => e.Path.Contains(".hidden", StringComparison.Ordinal));
            ours[config] = (result.Cid.ToString(), await ListAsync(store, ct));
        }

        var theirs = await UnixFsOracle.RunAsync(cases, ct);
        foreach (var (id, (rootCid, cids)) in ours)
        {
            Assert.True(theirs[id]["root"]!.GetValue<string>() == rootCid, $"{id}: root {rootCid} != JS {theirs[id]["root"]}");
            Assert.Equal(UnixFsOracle.Cids(theirs[id]), cids);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task ImportPath_DirectoryWithoutRecursive_IsRejected()
    {
        using var dir = new TempDir();
        var e = await Assert.ThrowsAsync<CairnException>(() => new UnixFsImporter(new MemoryBlockStore(), new ImportOptions()).ImportPathAsync(dir.Path, false, null, null, CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task ImportFile_ReportsProgressUpToFileSize()
    {
        var reports = new List<long>();
        var data = new byte[(3 * 262144) + 5];
        using var stream = new MemoryStream(data);
        var entry = await new UnixFsImporter(DiscardingBlockStore.Instance, new ImportOptions()).ImportFileAsync(stream, "x", new SyncProgress(reports.Add), CancellationToken.None);
        Assert.Equal(data.Length, entry.Size);
        Assert.Equal(data.Length, reports[^1]);
        Assert.Equal(reports.Order(), reports);
    }

    private static async Task<(string Root, string[] Cids)> ImportFileAsync(string path, ImportOptions options, CancellationToken ct)
    {
        var store = new MemoryBlockStore();
        var entry = await new UnixFsImporter(store, options).ImportPathAsync(path, false, null, null, ct);
        return (entry.Cid.ToString(), await ListAsync(store, ct));
    }

    private static async Task<string[]> ListAsync(MemoryBlockStore store, CancellationToken ct)
    {
        var list = new List<string>();
        await foreach (var cid in store.ListAsync(ct))
        {
            list.Add(cid.ToString());
        }

        list.Sort(StringComparer.Ordinal);
        return [.. list];
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
