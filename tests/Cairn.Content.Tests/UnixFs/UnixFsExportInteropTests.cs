using System.Text.Json.Nodes;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Tests.UnixFs;

/// <summary>Blocks made by the JS importer read back by our exporter, and ours by ipfs-unixfs-exporter.</summary>
public sealed class UnixFsExportInteropTests
{
    [Fact(Timeout = 300_000)]
    public async Task Export_JsImportedBlocks_ReproducesSourceTree()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        using var dir = new TempDir();
        var source = MakeTree(dir.Combine("src"));
        var bigFile = dir.Combine("big.bin");
        UnixFsOracle.WriteRandomFile(bigFile, (200L * 65536) + 3, 42);
        var cases = new List<JsonObject>();
        foreach (var config in new[] { "v1", "v0", "v1-dagpb" })
        {
            cases.Add(new JsonObject { ["op"] = "import", ["id"] = "dir-" + config, ["kind"] = "dir", ["path"] = source, ["options"] = UnixFsOracle.Options(config), ["dump"] = dir.Combine("blocks-dir-" + config) });
            var fileOptions = UnixFsOracle.Options(config);
            fileOptions["chunkSize"] = 65536;
            cases.Add(new JsonObject { ["op"] = "import", ["id"] = "file-" + config, ["kind"] = "file", ["path"] = bigFile, ["options"] = fileOptions, ["dump"] = dir.Combine("blocks-file-" + config) });
        }

        var theirs = await UnixFsOracle.RunAsync(cases, ct);
        foreach (var config in new[] { "v1", "v0", "v1-dagpb" })
        {
            var store = await LoadBlocksAsync(dir.Combine("blocks-dir-" + config), ct);
            var exporter = new UnixFsExporter(store);
            var output = dir.Combine("out-dir-" + config);
            await exporter.ExportAsync(Cid.Parse(theirs["dir-" + config]["root"]!.GetValue<string>()), output, ct);
            AssertSameTree(source, output);

            var fileStore = await LoadBlocksAsync(dir.Combine("blocks-file-" + config), ct);
            using var content = new MemoryStream();
            await new UnixFsExporter(fileStore).WriteFileAsync(Cid.Parse(theirs["file-" + config]["root"]!.GetValue<string>()), content, ct);
            Assert.Equal(File.ReadAllBytes(bigFile), content.ToArray());
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task JsExporter_OurBlocks_ReproducesSourceTree()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        using var dir = new TempDir();
        var source = MakeTree(dir.Combine("src"));
        var cases = new List<JsonObject>();
        foreach (var config in new[] { "v1", "v0", "v1-dagpb" })
        {
            var store = new MemoryBlockStore();
            var root = await new UnixFsImporter(store, UnixFsOracle.ImportOptions(config)).ImportPathAsync(source, true, null, null, ct);
            var blocks = dir.Combine("ours-" + config);
            Directory.CreateDirectory(blocks);
            await foreach (var cid in store.ListAsync(ct))
            {
                await File.WriteAllBytesAsync(Path.Combine(blocks, cid.ToString()), (await store.GetAsync(cid, ct))!, ct);
            }

            cases.Add(new JsonObject { ["op"] = "export", ["id"] = config, ["blocksDir"] = blocks, ["root"] = root.Cid.ToString(), ["out"] = dir.Combine("js-out-" + config) });
        }

        var theirs = await UnixFsOracle.RunAsync(cases, ct);
        foreach (var config in new[] { "v1", "v0", "v1-dagpb" })
        {
            Assert.Equal("directory", theirs[config]["type"]!.GetValue<string>());
            AssertSameTree(source, dir.Combine("js-out-" + config));
        }
    }

    internal static string MakeTree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "sub", "nested"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.WriteAllText(Path.Combine(root, "README"), "hello\n");
        File.WriteAllBytes(Path.Combine(root, "zero"), []);
        File.WriteAllText(Path.Combine(root, "with space ü.txt"), "ü\n");
        UnixFsOracle.WriteRandomFile(Path.Combine(root, "sub", "chunked.bin"), (3 * 262144) + 99, 3);
        UnixFsOracle.WriteRandomFile(Path.Combine(root, "sub", "nested", "one-chunk.bin"), 1000, 4);
        return root;
    }

    internal static async Task<MemoryBlockStore> LoadBlocksAsync(string folder, CancellationToken ct)
    {
        var store = new MemoryBlockStore();
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var cid = Cid.Parse(Path.GetFileName(file));
            var bytes = await File.ReadAllBytesAsync(file, ct);
            Assert.True(cid.Verifies(bytes));
            await store.PutAsync(cid, bytes, ct);
        }

        return store;
    }

    internal static void AssertSameTree(string expected, string actual)
    {
        static string[] Entries(string root) => Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Entries(expected), Entries(actual));
        foreach (var rel in Entries(expected))
        {
            var e = Path.Combine(expected, rel);
            var a = Path.Combine(actual, rel);
            Assert.Equal(Directory.Exists(e), Directory.Exists(a));
            if (File.Exists(e))
            {
                Assert.True(File.ReadAllBytes(e).AsSpan().SequenceEqual(File.ReadAllBytes(a)), $"{rel} differs");
            }
        }
    }
}
