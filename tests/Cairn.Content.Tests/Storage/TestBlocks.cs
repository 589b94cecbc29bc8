using System.Text;
using Cairn.Content.Storage;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Tests.Storage;

/// <summary>A temp home for a repository, deleted at the end of the test.</summary>
internal sealed class TempHome : IDisposable
{
    public TempHome() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cairn-store-" + Guid.NewGuid().ToString("N"));

    public string Blocks => System.IO.Path.Combine(Path, "blocks");

    public ContentRepo Open(TimeSpan? lockTimeout = null) =>
        lockTimeout is null ? ContentRepo.Open(Path) : ContentRepo.OpenWithLockTimeout(Path, lockTimeout.Value);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Small blocks and DAGs built with the real codecs.</summary>
internal static class TestBlocks
{
    public static (Cid Cid, byte[] Bytes) Raw(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return (Cid.Compute(1, Multicodec.Raw, bytes), bytes);
    }

    /// <summary>A dag-cbor node <c>{name, links: [...]}</c>.</summary>
    public static (Cid Cid, byte[] Bytes) Node(string name, params Cid[] links)
    {
        var bytes = Cairn.Content.DagCbor.DagCbor.Encode(new Dictionary<string, object?> { ["name"] = name, ["links"] = links });
        return (Cid.Compute(1, Multicodec.DagCbor, bytes), bytes);
    }

    public static async Task<Cid> PutAsync(this IBlockStore store, (Cid Cid, byte[] Bytes) block, CancellationToken ct)
    {
        await store.PutAsync(block.Cid, block.Bytes, ct);
        return block.Cid;
    }

    public static async Task<HashSet<string>> StoredKeysAsync(this FileBlockStore store, CancellationToken ct)
    {
        var keys = new HashSet<string>();
        await foreach (var cid in store.ListAsync(ct))
        {
            keys.Add(FileBlockStore.KeyOf(cid.Multihash));
        }

        return keys;
    }

    public static string Key(Cid cid) => FileBlockStore.KeyOf(cid.Multihash);
}

/// <summary>A cancellation token that fires shortly before the test's own timeout.</summary>
internal static class TestTimeout
{
    public static CancellationToken Token(int seconds = 50)
    {
        // Not disposed: it lives as long as the test, and a disposed source would make Token throw.
        var source = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return source.Token;
    }
}
