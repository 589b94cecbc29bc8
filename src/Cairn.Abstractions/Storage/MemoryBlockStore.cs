using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Cairn.Multiformats;

namespace Cairn.Storage;

/// <summary>An in-memory <see cref="IBlockStore"/>: the twin of the on-disk store, for tests and hash-only imports.</summary>
public sealed class MemoryBlockStore : IBlockStore
{
    private readonly ConcurrentDictionary<Cid, byte[]> _blocks = new();

    /// <summary>The number of blocks held.</summary>
    public int Count => _blocks.Count;

    /// <inheritdoc />
    public ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_blocks.ContainsKey(cid));

    /// <inheritdoc />
    public ValueTask<byte[]?> GetAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        if (!_blocks.TryGetValue(cid, out var block))
        {
            return ValueTask.FromResult<byte[]?>(null);
        }

        if (!cid.Verifies(block))
        {
            throw new CairnException(ErrorCode.IntegrityViolation, $"Block {cid} is corrupted: its bytes do not hash to its CID.");
        }

        return ValueTask.FromResult<byte[]?>(block);
    }

    /// <inheritdoc />
    public ValueTask<long?> GetSizeAsync(Cid cid, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_blocks.TryGetValue(cid, out var block) ? (long?)block.Length : null);

    /// <inheritdoc />
    public ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default)
    {
        _blocks.TryAdd(cid, block.ToArray());
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(Cid cid, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_blocks.TryRemove(cid, out _));

    /// <inheritdoc />
    public async IAsyncEnumerable<Cid> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var cid in _blocks.Keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return cid;
        }

        await Task.CompletedTask;
    }
}
