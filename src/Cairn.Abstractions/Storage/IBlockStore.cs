using Cairn.Multiformats;

namespace Cairn.Storage;

/// <summary>
/// A store of content-addressed blocks. Implementations must be safe for concurrent readers and
/// writers, write atomically (a block is either wholly present or absent), and verify on read:
/// <see cref="GetAsync"/> never returns bytes that do not hash to the CID asked for.
/// </summary>
public interface IBlockStore
{
    /// <summary>True when the block is present (not verified).</summary>
    ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default);

    /// <summary>
    /// The block's bytes, verified against <paramref name="cid"/>; null when absent.
    /// Throws <see cref="CairnException"/> with <see cref="ErrorCode.IntegrityViolation"/> naming the
    /// CID when the stored bytes do not match it.
    /// </summary>
    ValueTask<byte[]?> GetAsync(Cid cid, CancellationToken cancellationToken = default);

    /// <summary>The stored size of the block, or null when absent.</summary>
    ValueTask<long?> GetSizeAsync(Cid cid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a block. The caller vouches that <paramref name="block"/> hashes to <paramref name="cid"/>
    /// (it computed the CID, or verified it); storing a block that is already present is a no-op.
    /// The store keeps no reference to <paramref name="block"/> after the call: callers reuse pooled buffers.
    /// </summary>
    ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default);

    /// <summary>Removes a block; returns false when it was not there.</summary>
    ValueTask<bool> DeleteAsync(Cid cid, CancellationToken cancellationToken = default);

    /// <summary>Every block's CID, in no particular order.</summary>
    IAsyncEnumerable<Cid> ListAsync(CancellationToken cancellationToken = default);
}
