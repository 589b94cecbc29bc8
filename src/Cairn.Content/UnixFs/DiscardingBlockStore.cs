using System.Runtime.CompilerServices;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.UnixFs;

/// <summary>A block sink that keeps nothing: importing into it computes CIDs only (<c>cairn add --only-hash</c>).</summary>
public sealed class DiscardingBlockStore : IBlockStore
{
    /// <summary>The shared instance.</summary>
    public static DiscardingBlockStore Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    /// <inheritdoc />
    public ValueTask<byte[]?> GetAsync(Cid cid, CancellationToken cancellationToken = default) => ValueTask.FromResult<byte[]?>(null);

    /// <inheritdoc />
    public ValueTask<long?> GetSizeAsync(Cid cid, CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);

    /// <inheritdoc />
    public ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(Cid cid, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    /// <inheritdoc />
    public async IAsyncEnumerable<Cid> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield break;
    }
}
