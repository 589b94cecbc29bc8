using Cairn.Multiformats;
using Microsoft.Win32.SafeHandles;

namespace Cairn.Content.Storage;

/// <summary>
/// Stores many blocks at once by appending them to a new pack of a <see cref="FileBlockStore"/>
/// (a CARv1 file under <c>blocks/packs/</c>) instead of creating a file per block. Blocks become
/// visible to readers, in this process and others, when <see cref="CommitAsync"/> indexes them, which
/// the writer also does every 8 MiB; disposing commits what was put. Not thread-safe: one writer per
/// bulk transfer.
/// </summary>
/// <remarks>
/// Durability is the store's: <see cref="FileBlockStore.FlushAsync"/> makes committed packs durable,
/// and is what a caller runs before recording anything that names the blocks (a pin).
/// </remarks>
public sealed class PackWriter : IAsyncDisposable, IDisposable
{
    /// <summary>A pack is closed and a new one started past this size, so compaction stays cheap.</summary>
    internal long MaxPackBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Put blocks are committed on their own every this many bytes, so a writer killed mid-transfer
    /// (or a transfer cut off) keeps all but the last few MiB, and a retry fetches only the rest.
    /// </summary>
    internal long CommitEveryBytes { get; set; } = 8L << 20;

    private readonly FileBlockStore _store;
    private readonly Cid? _root;
    private readonly bool _underGc;
    private readonly List<(byte[] Multihash, long Offset, int Length)> _pending = [];
    private readonly byte[] _prefix = new byte[Varint.MaxLength];
    private SafeFileHandle? _handle;
    private string? _pack;
    private long _position;
    private long _pendingBytes;
    private bool _committedAny;
    private bool _disposed;

    /// <param name="store">The store whose pack this writes.</param>
    /// <param name="root">The CAR header's root; null for the first block put.</param>
    /// <param name="underGc">
    /// For gc's compaction: no write lease (gc holds the lock exclusively), and no commit but the caller's,
    /// which must make the pack durable first: its rows replace the only other copy's.
    /// </param>
    internal PackWriter(FileBlockStore store, Cid? root, bool underGc)
    {
        _store = store;
        _root = root;
        _underGc = underGc;
    }

    /// <summary>Blocks put so far (committed or not).</summary>
    public long Blocks { get; private set; }

    /// <summary>
    /// Appends a block. As with <see cref="FileBlockStore.PutAsync"/>, the caller vouches that the
    /// bytes hash to <paramref name="cid"/>, and the writer keeps no reference to them.
    /// </summary>
    public async ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (cid.HashCode == Multicodec.Identity)
        {
            return;
        }

        if (_handle is null)
        {
            await StartPackAsync(_root ?? cid, cancellationToken).ConfigureAwait(false);
        }

        // One section of the CAR: varint(len(cid) + len(block)) cid block, in one gathered write.
        var cidBytes = cid.ToArray();
        var n = Varint.Write(_prefix, (ulong)(cidBytes.Length + block.Length));
        RandomAccess.Write(_handle!, [_prefix.AsMemory(0, n), cidBytes, block], _position);
        _pending.Add((cid.Multihash.ToArray(), _position + n + cidBytes.Length, block.Length));
        _position += n + cidBytes.Length + block.Length;
        Blocks++;
        _pendingBytes += block.Length;
        _store.TrackPackWrite();
        if (_position >= MaxPackBytes)
        {
            await CommitAsync(cancellationToken).ConfigureAwait(false);
            ClosePack();
        }
        else if (_pendingBytes >= CommitEveryBytes && !_underGc)
        {
            await CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Indexes the blocks put since the last commit: from now on every reader finds them.</summary>
    public ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_pending.Count == 0 || _pack is null)
        {
            return ValueTask.CompletedTask;
        }

        _store.Packs.Commit(_pack, _pending);
        _pending.Clear();
        _pendingBytes = 0;
        _committedAny = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>Commits what was put and closes the pack.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            await CommitAsync().ConfigureAwait(false);
        }
        finally
        {
            _disposed = true;
            ClosePack();
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async ValueTask StartPackAsync(Cid root, CancellationToken cancellationToken)
    {
        if (!_underGc && _store.BeforeWrite is { } beforeWrite)
        {
            await beforeWrite(cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(_store.Packs.Folder);
        _pack = $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}{BlockPacks.Extension}";
        _handle = File.OpenHandle(_store.Packs.PathOf(_pack), FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
        var header = Car.CarHeader.EncodeV1([root]);
        var n = Varint.Write(_prefix, (ulong)header.Length);
        RandomAccess.Write(_handle, [_prefix.AsMemory(0, n), header], 0);
        _position = n + header.Length;
        _committedAny = false;
        _store.TrackPackFile(_store.Packs.PathOf(_pack));
    }

    private void ClosePack()
    {
        if (_handle is null)
        {
            return;
        }

        _handle.Dispose();
        _handle = null;
        if (!_committedAny && _pack is not null)
        {
            // Nothing in it was ever indexed (no block, or the commit failed): it is garbage now, not at the next gc.
            File.Delete(_store.Packs.PathOf(_pack));
        }

        _pack = null;
    }
}
