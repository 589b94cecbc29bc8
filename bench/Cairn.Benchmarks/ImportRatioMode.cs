using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;

namespace Cairn.Benchmarks;

/// <summary>
/// <c>--ratio add FILE</c>: the figures bench/add-throughput.sh turns into ratios, measured in one
/// process on one file: raw single-core SHA-256, import with only-hash, import into an on-disk
/// block store. It hooks in as a module initializer so the shared Program.cs stays untouched;
/// any other arguments fall through to BenchmarkDotNet. Everything here runs synchronously on the
/// initializing thread: code of this assembly running on another thread before the initializer
/// returns would wait for it (a deadlock), and the importer's own threads run Cairn.Content code only.
/// </summary>
internal static class ImportRatioMode
{
    [ModuleInitializer]
    internal static void Hook()
    {
        var args = Environment.GetCommandLineArgs();
        if (args.Length >= 4 && args[1] == "--ratio" && args[2] == "add")
        {
            Environment.Exit(Run(args[3], args.Length > 4 ? args[4] : "all"));
        }
    }

    private static int Run(string file, string which)
    {
        var length = new FileInfo(file).Length;

        // Baseline: SHA-256 alone on one core over the same bytes, already in memory, in 256 KiB blocks.
        var data = File.ReadAllBytes(file);
        void RawSha256()
        {
            Span<byte> digest = stackalloc byte[32];
            for (var offset = 0; offset < data.Length; offset += 262144)
            {
                SHA256.HashData(data.AsSpan(offset, Math.Min(262144, data.Length - offset)), digest);
            }
        }

        var importer = new UnixFsImporter(DiscardingBlockStore.Instance, new ImportOptions());
        string? cid = null;
        void OnlyHash() => cid = importer.ImportPathAsync(file, false, null, null, CancellationToken.None).GetAwaiter().GetResult().Cid.ToString();

        // Interleaved rounds, best of each: on a shared machine the load drifts, and measuring one
        // after the other would charge the drift to whichever ran second.
        // CPU seconds too: on a loaded machine wall time says how much CPU we were given, CPU time how
        // much work each side does per byte.
        double sha = double.MaxValue, onlyHash = double.MaxValue, shaCpu = double.MaxValue, onlyHashCpu = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var (wall, cpu) = Time(RawSha256);
            (sha, shaCpu) = (Math.Min(sha, wall), Math.Min(shaCpu, cpu));
            (wall, cpu) = Time(OnlyHash);
            (onlyHash, onlyHashCpu) = (Math.Min(onlyHash, wall), Math.Min(onlyHashCpu, cpu));
        }

        Print("raw_sha256", length, sha);
        Print("add_only_hash", length, onlyHash);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu_seconds_raw_sha256={shaCpu:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu_seconds_add_only_hash={onlyHashCpu:F3}"));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        OnlyHash();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"add_only_hash_allocated_bytes_per_chunk={allocated / Math.Max(1, (length + 262143) / 262144)}"));
        Console.WriteLine($"root={cid}");
        if (which is "all" or "store")
        {
            var best = double.MaxValue;
            for (var i = 0; i < 2; i++)
            {
                var home = Path.Combine(Path.GetTempPath(), "cairn-bench-" + Guid.NewGuid().ToString("N"));
                try
                {
                    using var store = new FileBlockStore(Path.Combine(home, "blocks"));
                    best = Math.Min(best, Time(() => new UnixFsImporter(store, new ImportOptions()).ImportPathAsync(file, false, null, null, CancellationToken.None).GetAwaiter().GetResult()).Wall);
                }
                finally
                {
                    Directory.Delete(home, recursive: true);
                }
            }

            Print("add_store", length, best);
        }

        return 0;
    }

    private static (double Wall, double Cpu) Time(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    private static void Print(string name, long bytes, double seconds)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}_MBps={bytes / 1e6 / seconds:F1}"));
}
