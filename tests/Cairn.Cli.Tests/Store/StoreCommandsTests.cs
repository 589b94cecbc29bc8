using System.Diagnostics;
using System.Text.Json;
using Cairn.Content.Car;
using Cairn.Content.Storage;
using Cairn.Multiformats;
using Cairn.Tests.Shared;

namespace Cairn.Cli.Tests.Store;

/// <summary>pin, gc and car through the real CLI, including an import killed with SIGKILL.</summary>
public sealed class StoreCommandsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cairn-cli-store-" + Guid.NewGuid().ToString("N"));

    public StoreCommandsTests() => Directory.CreateDirectory(_dir);

    private string Home => Path.Combine(_dir, "home");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task CarImportPinLsGcExport_ThroughTheCli_RoundTripsWithIpldCar()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var ct = cts.Token;
        var theirs = Path.Combine(_dir, "theirs.car");
        using var made = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["mixed", theirs], ct));
        var roots = made.RootElement.GetProperty("roots").EnumerateArray().Select(r => r.GetString()!).ToList();

        var import = await CairnProcess.RunAsync(Home, ct, "car", "import", theirs, "--output", "json");
        Assert.True(import.Exit == 0, import.Stderr);
        using (var json = JsonDocument.Parse(import.Stdout))
        {
            var entry = Assert.Single(json.RootElement.EnumerateArray().ToList());
            Assert.Equal(roots, entry.GetProperty("roots").EnumerateArray().Select(r => r.GetString()!).ToList());
            Assert.True(entry.GetProperty("pinned").GetBoolean());
        }

        var ls = await CairnProcess.RunAsync(Home, ct, "pin", "ls", "--type", "recursive", "--output", "json");
        Assert.Equal(0, ls.Exit);
        using (var json = JsonDocument.Parse(ls.Stdout))
        {
            Assert.Equal(roots.Order(), json.RootElement.EnumerateArray().Select(p => p.GetProperty("cid").GetString()!).Order());
        }

        var gc = await CairnProcess.RunAsync(Home, ct, "gc", "--output", "json");
        Assert.Equal(0, gc.Exit);
        using (var json = JsonDocument.Parse(gc.Stdout))
        {
            Assert.Equal(0, json.RootElement.GetProperty("removedBlocks").GetInt32());
        }

        var ours = Path.Combine(_dir, "ours.car");
        var export = await CairnProcess.RunAsync(Home, ct, ["car", "export", .. roots, "-o", ours]);
        Assert.True(export.Exit == 0, export.Stderr);
        using var read = JsonDocument.Parse(await NodeOracle.RunAsync("car-oracle.mjs", ["read", ours], ct));
        Assert.Equal(roots, read.RootElement.GetProperty("roots").EnumerateArray().Select(r => r.GetString()!).ToList());
        Assert.All(read.RootElement.GetProperty("blocks").EnumerateArray(), b => Assert.True(b.GetProperty("ok").GetBoolean()));

        // Unpinning the second root and collecting removes exactly its one block.
        var rm = await CairnProcess.RunAsync(Home, ct, "pin", "rm", roots[1]);
        Assert.Equal(0, rm.Exit);
        var gc2 = await CairnProcess.RunAsync(Home, ct, "gc", "--output", "json");
        using (var json = JsonDocument.Parse(gc2.Stdout))
        {
            var removed = Assert.Single(json.RootElement.GetProperty("removed").EnumerateArray().ToList());
            Assert.Equal(Cid.Parse(roots[1]).Multihash.ToArray(), Cid.Parse(removed.GetString()!).Multihash.ToArray());
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task PinAdd_OfAbsentContent_FailsNamingTheCid()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var absent = Cid.Compute(1, Multicodec.Raw, "not here"u8).ToString();

        var result = await CairnProcess.RunAsync(Home, cts.Token, "pin", "add", absent);

        Assert.Equal(1, result.Exit);
        Assert.Contains("Error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(absent, result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task CarImport_KilledMidway_LeavesNoPinAndNoPartialBlock_AndCanBeRedone()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var ct = cts.Token;
        var car = BuildCar(blocks: 160, out var root);
        var fifo = Path.Combine(_dir, "import.car");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(ct);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // The importer reads the CAR from a pipe we feed, so we can kill it while it is storing
        // blocks, however fast the machine is: it never gets the end of the file.
        using var child = Process.Start(CairnProcess.StartInfo(Home, "car", "import", fifo))!;
        var blocksDir = Path.Combine(Home, "blocks");
        await using (var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
            var half = car.Length / 2;
            for (var at = 0; at < half; at += 4096)
            {
                await pipe.WriteAsync(car.AsMemory(at, Math.Min(4096, half - at)), ct);
            }

            await pipe.FlushAsync(ct);
            while (await CountStoredBlocksAsync(blocksDir, ct) < 20)
            {
                await Task.Delay(20, ct);
            }

            child.Kill(); // SIGKILL: no cleanup code runs in the child
            await child.WaitForExitAsync(ct);
        }

        var store = new FileBlockStore(blocksDir);
        var stored = 0;
        await foreach (var cid in store.ListAsync(ct))
        {
            Assert.NotNull(await store.GetAsync(cid, ct)); // every visible block is whole: GetAsync verifies
            stored++;
        }

        Assert.InRange(stored, 20, 160);
        var ls = await CairnProcess.RunAsync(Home, ct, "pin", "ls", "--output", "json");
        Assert.Equal("[]", ls.Stdout.Trim());

        // The next gc clears what the killed import stored; a full import then succeeds.
        var gc = await CairnProcess.RunAsync(Home, ct, "gc", "--output", "json");
        Assert.True(gc.Exit == 0, gc.Stderr);
        var file = Path.Combine(_dir, "full.car");
        await File.WriteAllBytesAsync(file, car, ct);
        var again = await CairnProcess.RunAsync(Home, ct, "car", "import", file);
        Assert.True(again.Exit == 0, again.Stderr);
        Assert.Contains($"pinned root {root} recursively", again.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task CarImport_TwoProcessesSameContentAtOnce_BothSucceed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var ct = cts.Token;
        var car = BuildCar(blocks: 40, out var root);
        var file = Path.Combine(_dir, "same.car");
        await File.WriteAllBytesAsync(file, car, ct);

        var first = CairnProcess.RunAsync(Home, ct, "car", "import", file);
        var second = CairnProcess.RunAsync(Home, ct, "car", "import", file);
        var results = await Task.WhenAll(first, second);

        Assert.All(results, r => Assert.True(r.Exit == 0, r.Stderr));
        var store = new FileBlockStore(Path.Combine(Home, "blocks"));
        var count = 0;
        await foreach (var cid in store.ListAsync(ct))
        {
            Assert.NotNull(await store.GetAsync(cid, ct));
            count++;
        }

        Assert.Equal(41, count);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Home, "blocks", FileBlockStore.TempFolderName)));
        var ls = await CairnProcess.RunAsync(Home, ct, "pin", "ls");
        Assert.Equal($"{root} recursive", ls.Stdout.Trim());
    }

    [Fact(Timeout = 300_000)]
    public async Task Gc_RacingImportsAndAdds_NeverBreaksTheirPins()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(290));
        var ct = cts.Token;
        var garbage = Path.Combine(_dir, "garbage.bin");
        await File.WriteAllBytesAsync(garbage, RandomBytes(1_000_000, 99), ct);
        var seeded = await CairnProcess.RunAsync(Home, ct, "add", "-Q", "--pin=false", garbage);
        Assert.True(seeded.Exit == 0, seeded.Stderr);

        var runs = new List<Task<(int Exit, string Stdout, string Stderr)>>();
        var roots = new List<Cid>();
        for (var i = 0; i < 3; i++)
        {
            var car = BuildCar(blocks: 24, out var root, seed: i);
            roots.Add(root);
            var file = Path.Combine(_dir, $"race-{i}.car");
            await File.WriteAllBytesAsync(file, car, ct);
            var added = Path.Combine(_dir, $"race-{i}.bin");
            await File.WriteAllBytesAsync(added, RandomBytes(3_000_000, 1000 + i), ct);
            runs.Add(CairnProcess.RunAsync(Home, ct, "car", "import", file));
            runs.Add(CairnProcess.RunAsync(Home, ct, "gc"));
            runs.Add(CairnProcess.RunAsync(Home, ct, "add", "-Q", added));
        }

        var results = await Task.WhenAll(runs);
        Assert.All(results, r => Assert.True(r.Exit == 0, r.Stderr));
        for (var i = 0; i < 3; i++)
        {
            roots.Add(Cid.Parse(results[(i * 3) + 2].Stdout.Trim()));
        }

        // Whatever order they ran in, every pinned DAG is complete and verifies (export reads and
        // checks every block), and a last gc removes only the unpinned seed.
        foreach (var root in roots)
        {
            var export = await CairnProcess.RunAsync(Home, ct, "car", "export", root.ToString(), "-o", Path.Combine(_dir, "check.car"));
            Assert.True(export.Exit == 0, export.Stderr);
        }

        var last = await CairnProcess.RunAsync(Home, ct, "gc", "--output", "json");
        Assert.True(last.Exit == 0, last.Stderr);
        var ls = await CairnProcess.RunAsync(Home, ct, "pin", "ls", "--output", "json");
        using var pins = JsonDocument.Parse(ls.Stdout);
        Assert.Equal(roots.Select(r => r.ToString()).Order(), pins.RootElement.EnumerateArray().Select(p => p.GetProperty("cid").GetString()!).Order());
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    // What another process sees: loose block files and packed blocks whose index rows are committed.
    private static async Task<int> CountStoredBlocksAsync(string blocksDir, CancellationToken ct)
    {
        if (!Directory.Exists(blocksDir))
        {
            return 0;
        }

        using var store = new FileBlockStore(blocksDir);
        var n = 0;
        await foreach (var _ in store.ListAsync(ct))
        {
            n++;
        }

        return n;
    }

    private static byte[] BuildCar(int blocks, out Cid root, int seed = 1234)
    {
        var random = new Random(seed);
        var leaves = new List<(Cid Cid, byte[] Bytes)>();
        for (var i = 0; i < blocks; i++)
        {
            var bytes = new byte[256 * 1024];
            random.NextBytes(bytes);
            leaves.Add((Cid.Compute(1, Multicodec.Raw, bytes), bytes));
        }

        var node = Cairn.Content.DagCbor.DagCbor.Encode(new Dictionary<string, object?> { ["leaves"] = leaves.Select(l => l.Cid).ToList() });
        root = Cid.Compute(1, Multicodec.DagCbor, node);
        using var output = new MemoryStream();
        var writer = new CarWriter(output);
        writer.WriteHeaderAsync([root], CancellationToken.None).AsTask().GetAwaiter().GetResult();
        writer.WriteBlockAsync(root, node, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        foreach (var (cid, bytes) in leaves)
        {
            writer.WriteBlockAsync(cid, bytes, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return output.ToArray();
    }
}
