using System.Runtime.CompilerServices;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Storage;

/// <summary>
/// Blocks as files, keyed by multihash (so a CIDv0 and its CIDv1 share one file), named by the
/// multihash in base32 and sharded by its next-to-last two characters like kubo's flatfs
/// (1,024 folders: a million blocks is ~1,000 files a folder). Writes go to a temp file and are
/// renamed into place, so a reader sees a block whole or not at all; every read is verified.
/// </summary>
public sealed class FileBlockStore : IBlockStore
{
    private readonly string _root;
    private readonly string _temp;

    /// <summary>Opens (creating if needed) a block store in <paramref name="root"/>.</summary>
    public FileBlockStore(string root)
    {
        _root = Path.GetFullPath(root);
        _temp = Path.Combine(_root, ".tmp");
        Directory.CreateDirectory(_temp);
    }

    /// <summary>The folder the blocks live in.</summary>
    public string Root => _root;

    /// <inheritdoc />
    public ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(File.Exists(PathOf(cid)));

    /// <inheritdoc />
    public async ValueTask<byte[]?> GetAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        byte[] block;
        try
        {
            block = await File.ReadAllBytesAsync(PathOf(cid), cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        if (!cid.Verifies(block))
        {
            throw new CairnException(ErrorCode.IntegrityViolation, $"Block {cid} is corrupted on disk: its {block.Length} bytes do not hash to its CID ({PathOf(cid)}).")
            {
                Hint = "Remove the file and fetch or re-add the content; `cairn gc` never deletes pinned blocks.",
            };
        }

        return block;
    }

    /// <inheritdoc />
    public ValueTask<long?> GetSizeAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(cid));
        return ValueTask.FromResult(info.Exists ? (long?)info.Length : null);
    }

    /// <inheritdoc />
    public async ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default)
    {
        var path = PathOf(cid);
        if (File.Exists(path))
        {
            return;
        }

        var temp = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(block, cancellationToken);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var path = PathOf(cid);
        if (!File.Exists(path))
        {
            return ValueTask.FromResult(false);
        }

        File.Delete(path);
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Cid> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var shard in Directory.EnumerateDirectories(_root))
        {
            if (Path.GetFileName(shard) == ".tmp")
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(shard, "*.data"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = Path.GetFileNameWithoutExtension(file);
                byte[] multihash;
                try
                {
                    multihash = Multibase.DecodeWithoutPrefix(name, MultibaseEncoding.Base32Upper);
                }
                catch (CairnException)
                {
                    continue; // not a block file
                }

                // The store keys by multihash; report it as a raw CIDv1, as kubo does.
                yield return Cid.V1(Multicodec.Raw, multihash);
            }
        }

        await Task.CompletedTask;
    }

    private string PathOf(Cid cid)
    {
        var key = Multibase.EncodeWithoutPrefix(cid.Multihash, MultibaseEncoding.Base32Upper);
        var shard = key.Substring(key.Length - 3, 2);
        return Path.Combine(_root, shard, key + ".data");
    }
}
