using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Benchmarks;

/// <summary>
/// The block store's put and get against the file system's floor: writing / reading the same
/// 256 KiB chunks with <see cref="File.WriteAllBytes(string, byte[])"/> / <see cref="File.ReadAllBytes"/>
/// (no temp file, no rename, no hashing). The ratio column is the store's overhead:
/// atomic rename on put, sha2-256 verification on get. Each put iteration writes into a fresh folder.
/// Run: <c>dotnet run -c Release --project bench/Cairn.Benchmarks -- --filter '*BlockStore*'</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class BlockStoreBenchmarks : IDisposable
{
    private const int BlockCount = 256;
    private const int BlockSize = 256 * 1024;
    private readonly (Cid Cid, byte[] Bytes)[] _blocks = new (Cid, byte[])[BlockCount];
    private string _root = "";
    private string _putDir = "";
    private int _iteration;
    private FileBlockStore _readStore = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (var i = 0; i < BlockCount; i++)
        {
            var bytes = new byte[BlockSize];
            random.NextBytes(bytes);
            _blocks[i] = (Cid.Compute(1, Multicodec.Raw, bytes), bytes);
        }

        _root = Path.Combine(Path.GetTempPath(), "cairn-bench-" + Guid.NewGuid().ToString("N"));
        _readStore = new FileBlockStore(Path.Combine(_root, "read-store"));
        var rawRead = Directory.CreateDirectory(Path.Combine(_root, "read-raw")).FullName;
        foreach (var (cid, bytes) in _blocks)
        {
            _readStore.PutAsync(cid, bytes).AsTask().GetAwaiter().GetResult();
            File.WriteAllBytes(Path.Combine(rawRead, cid.ToString()), bytes);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _readStore.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the read store.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _readStore?.Dispose();
        }
    }

    [IterationSetup(Targets = [nameof(RawWriteAllBytes), nameof(FileBlockStorePut)])]
    public void FreshFolder() => _putDir = Directory.CreateDirectory(Path.Combine(_root, "put-" + _iteration++)).FullName;

    [IterationCleanup(Targets = [nameof(RawWriteAllBytes), nameof(FileBlockStorePut)])]
    public void RemoveFolder() => Directory.Delete(_putDir, recursive: true);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("put")]
    public void RawWriteAllBytes()
    {
        foreach (var (cid, bytes) in _blocks)
        {
            File.WriteAllBytes(Path.Combine(_putDir, cid.ToString()), bytes);
        }
    }

    [Benchmark]
    [BenchmarkCategory("put")]
    public async Task FileBlockStorePut()
    {
        using var store = new FileBlockStore(_putDir);
        foreach (var (cid, bytes) in _blocks)
        {
            await store.PutAsync(cid, bytes);
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("get")]
    public long RawReadAllBytes()
    {
        long total = 0;
        var dir = Path.Combine(_root, "read-raw");
        foreach (var (cid, _) in _blocks)
        {
            total += File.ReadAllBytes(Path.Combine(dir, cid.ToString())).Length;
        }

        return total;
    }

    /// <summary>What verification costs at least: the raw read plus one sha2-256 per block.</summary>
    [Benchmark]
    [BenchmarkCategory("get")]
    public int RawReadAllBytesThenSha256()
    {
        var total = 0;
        var dir = Path.Combine(_root, "read-raw");
        Span<byte> digest = stackalloc byte[32];
        foreach (var (cid, _) in _blocks)
        {
            System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, cid.ToString())), digest);
            total += digest[0];
        }

        return total;
    }

    [Benchmark]
    [BenchmarkCategory("get")]
    public async Task<long> FileBlockStoreGet()
    {
        long total = 0;
        foreach (var (cid, _) in _blocks)
        {
            total += (await _readStore.GetAsync(cid))!.Length;
        }

        return total;
    }
}
