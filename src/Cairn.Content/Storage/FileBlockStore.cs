using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Storage;

/// <summary>
/// Blocks as files, keyed by multihash (so a CIDv0 and its CIDv1 share one file), named by the
/// multihash in unpadded upper-case base32 and sharded by the next-to-last two characters of that
/// name, as kubo's flatfs <c>next-to-last/2</c> does: 1,024 folders, so ten million blocks are
/// ~10,000 files a folder, which ext4/xfs directory indexes handle without slowing down. Bulk
/// writers (a fetched CAR, a CAR import) append to packs instead (<see cref="OpenPackWriter"/>,
/// <see cref="BlockPacks"/>); every read looks in both.
/// </summary>
/// <remarks>
/// <para>Atomicity: on Linux a block is written as an unnamed file in its shard and named with
/// <c>linkat(2)</c> once complete (<see cref="NativeLinkedWrite"/>); elsewhere, or when that name
/// exists already, it is written to <c>.tmp/</c> and renamed into place. Either way a reader sees
/// it whole or not at all; two writers of the same block (two processes adding the same file)
/// both succeed. Temp files left by a killed writer are never
/// visible as blocks and are removed when older than <see cref="StaleTempAge"/> at open and by gc.</para>
/// <para>Durability: <see cref="PutAsync"/> does not fsync (the import hot path must run near raw
/// hashing speed). <see cref="FlushAsync"/> makes every block written so far durable in one batch
/// (<c>syncfs(2)</c> on Linux, else an fsync per written file); <see cref="ContentRepo"/> calls it
/// before writing a pin, so a crash never leaves a pin naming blocks that were not on disk.</para>
/// <para>Integrity: every <see cref="GetAsync"/> hashes the bytes; a block that is already present
/// is re-verified by <see cref="PutAsync"/> and rewritten when it is damaged, so adding content
/// again repairs it.</para>
/// </remarks>
public sealed partial class FileBlockStore : IBlockStore, IDisposable
{
    /// <summary>The folder (under the root) that holds blocks being written.</summary>
    public const string TempFolderName = ".tmp";

    /// <summary>The file extension of a block.</summary>
    public const string Extension = ".data";

    private readonly string _root;
    private readonly string _temp;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<string> _unflushed = new();
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private long _written;
    private long _durable;
    private long _syncCount;
    private bool _linkedWrites = NativeLinkedWrite.IsAvailable;
    private long _linkedWriteCount;

    /// <summary>Opens (creating if needed) a block store in <paramref name="root"/> and removes stale temp files.</summary>
    public FileBlockStore(string root, TimeProvider? timeProvider = null)
    {
        _root = Path.GetFullPath(root);
        _temp = Path.Combine(_root, TempFolderName);
        _time = timeProvider ?? TimeProvider.System;
        Packs = new BlockPacks(_root);
        Directory.CreateDirectory(_temp);
        RemoveStaleTempFiles();
    }

    /// <summary>A temp file older than this was left by a writer that died: no write takes that long.</summary>
    public static TimeSpan StaleTempAge { get; } = TimeSpan.FromHours(1);

    /// <summary>The folder the blocks live in.</summary>
    public string Root => _root;

    /// <summary>Called before every block write (the repository uses it to take its write lease).</summary>
    internal Func<CancellationToken, ValueTask>? BeforeWrite { get; set; }

    /// <inheritdoc />
    public ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        return ValueTask.FromResult(File.Exists(PathOf(cid)) || Packs.TryLocate(cid.Multihash, out _));
    }

    /// <inheritdoc />
    public ValueTask<byte[]?> GetAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        var path = PathOf(cid);
        cancellationToken.ThrowIfCancellationRequested();
        var block = ReadOrNull(path);
        if (block is null)
        {
            return ValueTask.FromResult(GetPacked(cid));
        }

        if (!cid.Verifies(block))
        {
            // A good packed copy (a fetch that repaired the block) serves the read.
            if (Packs.Read(cid.Multihash, cid) is { } packed && cid.Verifies(packed))
            {
                return ValueTask.FromResult<byte[]?>(packed);
            }

            throw new CairnException(ErrorCode.IntegrityViolation, $"Block {cid} is corrupted on disk: its {block.Length} bytes do not hash to its CID ({path}).")
            {
                Hint = "Add the content again (that rewrites the block) or fetch it from a peer; `cairn gc` reports every damaged pinned block.",
            };
        }

        return ValueTask.FromResult<byte[]?>(block);
    }

    /// <inheritdoc />
    public ValueTask<long?> GetSizeAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        var info = new FileInfo(PathOf(cid));
        if (info.Exists)
        {
            return ValueTask.FromResult<long?>(info.Length);
        }

        return ValueTask.FromResult(Packs.TryLocate(cid.Multihash, out var at) ? (long?)at.Length : null);
    }

    /// <inheritdoc />
    public async ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        cancellationToken.ThrowIfCancellationRequested();
        if (BeforeWrite is { } beforeWrite)
        {
            await beforeWrite(cancellationToken);
        }

        var path = PathOf(cid);
        var info = new FileInfo(path);
        if (info.Exists && info.Length == block.Length)
        {
            // Present already: keep it unless it is damaged (e.g. written by a writer that crashed
            // before its flush). Re-reading costs less than rewriting, and repairs silently.
            var existing = ReadOrNull(path);
            if (existing is not null && existing.AsSpan().SequenceEqual(block.Span))
            {
                Track(path);
                return;
            }
        }
        else if (!info.Exists && Packs.TryLocate(cid.Multihash, out var at) && at.Length == block.Length
            && Packs.ReadAt(at, cid).AsSpan().SequenceEqual(block.Span))
        {
            // Packed already and whole (a committed pack is made durable by the next flush, like a write).
            Interlocked.Increment(ref _written);
            return;
        }

        if (_linkedWrites && TryWriteLinked(path, block.Span))
        {
            Track(path);
            return;
        }

        var temp = Path.Combine(_temp, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            // Synchronous I/O: a 256 KiB write to the page cache takes less than a thread-pool hop.
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, block.Length))
            {
                RandomAccess.Write(handle, block.Span, 0);
            }

            try
            {
                File.Move(temp, path, overwrite: true);
            }
            catch (DirectoryNotFoundException)
            {
                // First block of its shard: shards are made on demand, as flatfs does.
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Move(temp, path, overwrite: true);
            }

            Track(path);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Writes through <see cref="NativeLinkedWrite"/>; false when the caller must use temp + rename
    /// (no O_TMPFILE here, or a file of that name exists and may be a damaged block to replace).
    /// </summary>
    private bool TryWriteLinked(string path, ReadOnlySpan<byte> block)
    {
        var shard = Path.GetDirectoryName(path)!;
        var outcome = NativeLinkedWrite.TryWrite(shard, path, block);
        if (outcome == NativeLinkedWrite.Outcome.DirectoryMissing)
        {
            // First block of its shard: shards are made on demand, as flatfs does.
            Directory.CreateDirectory(shard);
            outcome = NativeLinkedWrite.TryWrite(shard, path, block);
        }

        if (outcome == NativeLinkedWrite.Outcome.Unsupported)
        {
            _linkedWrites = false;
        }

        if (outcome != NativeLinkedWrite.Outcome.Written)
        {
            return false;
        }

        Interlocked.Increment(ref _linkedWriteCount);
        return true;
    }

    /// <summary>How many blocks this instance wrote through O_TMPFILE + linkat (the rest went through temp + rename).</summary>
    internal long LinkedWriteCount => Interlocked.Read(ref _linkedWriteCount);

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        var loose = DeleteFile(PathOf(cid));
        return ValueTask.FromResult(Packs.Delete(cid.Multihash) | loose);
    }

    /// <summary>
    /// Every block, reported as a raw CIDv1 over its multihash (the store keys by multihash and
    /// does not know codecs, as in kubo). Files that are not blocks are skipped.
    /// </summary>
    public async IAsyncEnumerable<Cid> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (key, _) in EnumerateFiles(cancellationToken))
        {
            if (TryMultihashOf(key, out var multihash))
            {
                yield return Cid.V1(Multicodec.Raw, multihash);
            }
        }

        foreach (var (multihash, _) in Packs.Enumerate(cancellationToken))
        {
            // A block both loose and packed is listed once.
            if (!File.Exists(PathOfKey(KeyOf(multihash))))
            {
                yield return Cid.V1(Multicodec.Raw, multihash);
            }
        }

        await Task.CompletedTask;
    }

    /// <summary>
    /// Makes every block written through this instance before the call durable: after it returns,
    /// a crash or power loss does not lose them. Call it before recording anything (a pin, a job
    /// output) that names those blocks. Concurrent callers share syncs (group commit): a caller
    /// that arrives while a sync runs waits for it, and all who arrived meanwhile share the next one,
    /// so N publishers at once cost about two syncs, not N.
    /// </summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _written);
        if (Interlocked.Read(ref _durable) >= target)
        {
            return;
        }

        await _syncGate.WaitAsync(cancellationToken);
        try
        {
            // A sync that started after this caller's writes landed covers them. Returning early
            // only on that condition matters: a sync already running when the writes landed may not.
            if (Interlocked.Read(ref _durable) >= target)
            {
                return;
            }

            var covered = Interlocked.Read(ref _written);
            SyncNow(cancellationToken);
            Interlocked.Exchange(ref _durable, covered);
        }
        finally
        {
            _syncGate.Release();
        }
    }

    /// <summary>How many syncs this instance has run (tests check that concurrent flushes share them).</summary>
    internal long SyncCount => Interlocked.Read(ref _syncCount);

    private void SyncNow(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _syncCount);
        if (NativeSync.IsAvailable)
        {
            // One syncfs covers every file's data and every rename in the store's file system.
            if (!NativeSync.SyncFileSystem(Path.Combine(_root, ".sync")))
            {
                throw new CairnException(ErrorCode.IoError, $"syncfs failed on the block store at {_root}: written blocks may not be durable.");
            }

            return;
        }

        while (_unflushed.TryDequeue(out var path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                stream.Flush(flushToDisk: true);
            }
            catch (FileNotFoundException)
            {
                // Deleted since (gc): nothing to make durable.
            }
        }
    }

    /// <summary>The stored bytes without hashing them, or null when absent (structure checks only).</summary>
    internal byte[]? ReadUnverified(Cid cid) => ReadOrNull(PathOf(cid)) ?? Packs.Read(cid.Multihash, cid);

    /// <summary>
    /// The stored bytes without hashing them, or null when absent: only for handing blocks to a peer that
    /// verifies each one against its CID itself (the trustless gateway). A block damaged on disk then
    /// fails at the peer, which drops this node for that fetch; every other reader uses <see cref="GetAsync"/>.
    /// </summary>
    public ValueTask<byte[]?> GetUnverifiedAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ReadUnverified(cid));
    }

    /// <summary>
    /// As <see cref="GetUnverifiedAsync"/>, into a buffer rented from <paramref name="pool"/> (return it when
    /// done): serving a large DAG then reuses a few buffers instead of allocating one per block, whose
    /// fresh pages the kernel would zero each time. False when the block is absent.
    /// </summary>
    public bool TryRentUnverified(Cid cid, System.Buffers.ArrayPool<byte> pool, out byte[] buffer, out int length)
    {
        ArgumentNullException.ThrowIfNull(cid);
        ArgumentNullException.ThrowIfNull(pool);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(PathOf(cid), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Packs.TryRent(cid.Multihash, cid, pool, out buffer, out length);
        }

        using (handle)
        {
            var size = RandomAccess.GetLength(handle);
            if (size > int.MaxValue)
            {
                throw new CairnException(ErrorCode.IntegrityViolation, $"Block {cid} is {size} bytes on disk: no block is that large.");
            }

            length = (int)size;
            buffer = pool.Rent(Math.Max(length, 1));
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, length - read), read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            length = read;
            return true;
        }
    }

    /// <summary>Removes temp files older than <see cref="StaleTempAge"/>; returns how many.</summary>
    public int RemoveStaleTempFiles() => RemoveTempFilesOlderThan(StaleTempAge);

    /// <summary>The file that holds a block (whether or not it exists).</summary>
    internal string PathOf(Cid cid) => PathOfKey(KeyOf(cid.Multihash));

    /// <summary>The file name (without extension) of the block with this multihash.</summary>
    internal static string KeyOf(ReadOnlySpan<byte> multihash) => Multibase.EncodeWithoutPrefix(multihash, MultibaseEncoding.Base32Upper);

    internal string PathOfKey(string key) => Path.Combine(_root, key.Substring(key.Length - 3, 2), key + Extension);

    internal static bool TryMultihashOf(string key, out byte[] multihash)
    {
        multihash = [];
        try
        {
            var bytes = Multibase.DecodeWithoutPrefix(key, MultibaseEncoding.Base32Upper);
            if (bytes.Length == 0 || Multihash.Read(bytes, out _, out _) != bytes.Length)
            {
                return false;
            }

            multihash = bytes;
            return true;
        }
        catch (CairnException)
        {
            return false;
        }
    }

    /// <summary>Every block file as (key, path); gc sweeps over it.</summary>
    internal IEnumerable<(string Key, string Path)> EnumerateFiles(CancellationToken cancellationToken)
    {
        foreach (var shard in Directory.EnumerateDirectories(_root))
        {
            var shardName = Path.GetFileName(shard);
            if (shardName.Length != 2)
            {
                continue; // .tmp and anything that is not a shard
            }

            foreach (var file in Directory.EnumerateFiles(shard, "*" + Extension))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = Path.GetFileNameWithoutExtension(file);
                if (key.Length >= 3 && key.AsSpan(key.Length - 3, 2).SequenceEqual(shardName))
                {
                    yield return (key, file);
                }
            }
        }
    }

    internal static bool DeleteFile(string path)
    {
        try
        {
            // File.Delete does not report whether the file was there; the check and the delete race
            // only with another delete, which gc's exclusive lock rules out.
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    internal int RemoveTempFilesOlderThan(TimeSpan age)
    {
        var removed = 0;
        var cutoff = _time.GetUtcNow().UtcDateTime - age;
        foreach (var file in Directory.EnumerateFiles(_temp))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    File.Delete(file);
                    removed++;
                }
            }
            catch (IOException)
            {
                // Another process removed or renamed it meanwhile.
            }
        }

        return removed;
    }

    private static byte[]? ReadOrNull(string path)
    {
        try
        {
            // Synchronous, as for writes: blocks are small and usually in the page cache.
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private void Track(string path)
    {
        if (!NativeSync.IsAvailable)
        {
            _unflushed.Enqueue(path);
        }

        // After the enqueue: a sync that reads this count also finds the path in the queue.
        Interlocked.Increment(ref _written);
    }

    /// <summary>Releases the flush gate. Blocks already written stay; call <see cref="FlushAsync"/> first to make them durable.</summary>
    public void Dispose()
    {
        Packs.Dispose();
        _syncGate.Dispose();
    }
}
