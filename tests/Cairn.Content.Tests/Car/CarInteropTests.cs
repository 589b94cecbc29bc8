using System.Text.Json;
using Cairn.Content.Car;
using Cairn.Content.Storage;
using Cairn.Content.Tests.Storage;
using Cairn.Multiformats;
using Cairn.Tests.Shared;

namespace Cairn.Content.Tests.Car;

/// <summary>CARs checked against the reference @ipld/car (tests/interop/car-oracle.mjs), both ways.</summary>
public sealed class CarInteropTests : IDisposable
{
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact(Timeout = 120_000)]
    public async Task IpldCarMixedCodecs_Imports_AndOurExportReadsBackInReferenceOrder()
    {
        var ct = TestTimeout.Token(110);
        var theirs = Path.Combine(_home.Path, "theirs.car");
        var made = await OracleAsync(ct, "mixed", theirs);
        var roots = Strings(made, "roots");
        var blocks = Strings(made, "blocks");

        using var repo = _home.Open();
        CarImportResult imported;
        await using (var input = File.OpenRead(theirs))
        {
            imported = await CarImporter.ImportAsync(input, repo, ct);
        }

        Assert.Equal(roots, imported.Roots.Select(r => r.ToString()).ToList());
        Assert.Equal(blocks.Count + 1, imported.Blocks); // the oracle wrote one section twice
        foreach (var root in imported.Roots)
        {
            Assert.Equal(PinMode.Recursive, (await repo.Pins.GetAsync(root, ct))?.Mode);
        }

        // The reference reader's view of its own file: every block we stored is byte-identical.
        var read = await OracleAsync(ct, "read", theirs);
        foreach (var block in read.GetProperty("blocks").EnumerateArray())
        {
            var cid = Cid.Parse(block.GetProperty("cid").GetString()!);
            var stored = await repo.Blocks.GetAsync(cid, ct); // verified against the CID
            Assert.NotNull(stored);
            Assert.Equal(block.GetProperty("size").GetInt32(), stored.Length);
        }

        var ours = Path.Combine(_home.Path, "ours.car");
        await using (var output = File.Create(ours))
        {
            await CarWriter.ExportAsync(imported.Roots, repo.Blocks, output, ct);
        }

        await AssertReferenceReadsAsync(ours, roots, blocks.ToHashSet(), ct);

        // Byte for byte what @ipld/car's writer produces for the same roots and block order:
        // header (DAG-CBOR), varints, CIDs (v0 kept as v0) and blocks.
        var reference = Path.Combine(_home.Path, "reference.car");
        await OracleAsync(ct, "dfs-rewrite", theirs, reference);
        Assert.Equal(await File.ReadAllBytesAsync(reference, ct), await File.ReadAllBytesAsync(ours, ct));
    }

    [Theory(Timeout = 120_000)]
    [InlineData("v1", 1_000_000)]
    [InlineData("v0", 1_000_000)]
    [InlineData("v1", 100)]
    public async Task IpldCarOfUnixfsImport_Imports_AndOurExportReadsBack(string version, int size)
    {
        var ct = TestTimeout.Token(110);
        var data = new byte[size];
        new Random(size).NextBytes(data);
        var file = Path.Combine(_home.Path, "data.bin");
        await File.WriteAllBytesAsync(file, data, ct);
        var theirs = Path.Combine(_home.Path, "theirs.car");
        var made = await OracleAsync(ct, "unixfs", file, theirs, version);

        using var repo = _home.Open();
        CarImportResult imported;
        await using (var input = File.OpenRead(theirs))
        {
            imported = await CarImporter.ImportAsync(input, repo, ct);
        }

        var root = Assert.Single(imported.Roots);
        Assert.Equal(Strings(made, "roots")[0], root.ToString());
        Assert.Equal(Strings(made, "blocks").Count, imported.Blocks);

        var ours = Path.Combine(_home.Path, "ours.car");
        await using (var output = File.Create(ours))
        {
            await CarWriter.ExportAsync([root], repo.Blocks, output, ct);
        }

        await AssertReferenceReadsAsync(ours, [root.ToString()], Strings(made, "blocks").ToHashSet(), ct);
        var reference = Path.Combine(_home.Path, "reference.car");
        await OracleAsync(ct, "dfs-rewrite", theirs, reference);
        Assert.Equal(await File.ReadAllBytesAsync(reference, ct), await File.ReadAllBytesAsync(ours, ct));
    }

    private static async Task AssertReferenceReadsAsync(string car, List<string> roots, HashSet<string> blocks, CancellationToken ct)
    {
        var read = await OracleAsync(ct, "read", car);
        Assert.Equal(1, read.GetProperty("version").GetInt32());
        Assert.Equal(roots, Strings(read, "roots"));
        var entries = read.GetProperty("blocks").EnumerateArray().ToList();
        Assert.All(entries, b => Assert.True(b.GetProperty("ok").GetBoolean(), $"{b.GetProperty("cid")} does not hash to its CID"));
        var written = entries.Select(b => b.GetProperty("cid").GetString()!).ToList();
        Assert.Equal(written.Count, written.Distinct().Count());
        Assert.Equal(blocks, written.ToHashSet());

        // Same order as a depth-first pre-order walk with the reference codecs' links.
        var dfs = await OracleAsync(ct, "dfs", car);
        Assert.Equal(Strings(dfs, "order"), written);
    }

    private static async Task<JsonElement> OracleAsync(CancellationToken ct, params string[] args)
    {
        var output = await NodeOracle.RunAsync("car-oracle.mjs", args, ct);
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.Clone();
    }

    private static List<string> Strings(JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(x => x.GetString()!).ToList();
}
