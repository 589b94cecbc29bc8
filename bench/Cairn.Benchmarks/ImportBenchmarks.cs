using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Cairn.Content.UnixFs;
using Cairn.Storage;

namespace Cairn.Benchmarks;

/// <summary>
/// UnixFS import against the raw SHA-256 baseline on the same 64 MiB: the importer's own cost is the
/// gap between <see cref="RawSha256"/> and <see cref="ImportOnlyHash"/>.
/// </summary>
[MemoryDiagnoser]
public class ImportBenchmarks
{
    private byte[] _data = [];

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[64 << 20];
        new Random(1).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public int RawSha256()
    {
        Span<byte> digest = stackalloc byte[32];
        var sum = 0;
        for (var offset = 0; offset < _data.Length; offset += 262144)
        {
            SHA256.HashData(_data.AsSpan(offset, Math.Min(262144, _data.Length - offset)), digest);
            sum += digest[0];
        }

        return sum;
    }

    [Benchmark]
    public async Task<ImportedEntry> ImportOnlyHash()
    {
        using var stream = new MemoryStream(_data, writable: false);
        return await new UnixFsImporter(DiscardingBlockStore.Instance, new ImportOptions()).ImportFileAsync(stream, null, null, CancellationToken.None);
    }

    [Benchmark]
    public async Task<ImportedEntry> ImportOnlyHashCidV0()
    {
        using var stream = new MemoryStream(_data, writable: false);
        return await new UnixFsImporter(DiscardingBlockStore.Instance, new ImportOptions { CidVersion = 0 }).ImportFileAsync(stream, null, null, CancellationToken.None);
    }

    [Benchmark]
    public async Task<ImportedEntry> ImportIntoMemory()
    {
        using var stream = new MemoryStream(_data, writable: false);
        return await new UnixFsImporter(new MemoryBlockStore(), new ImportOptions()).ImportFileAsync(stream, null, null, CancellationToken.None);
    }
}
