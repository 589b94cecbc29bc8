using Cairn.Multiformats;

namespace Cairn.Content.Storage;

/// <summary>The packed tier (<see cref="BlockPacks"/>): bulk writes append to packs instead of a file per block.</summary>
public sealed partial class FileBlockStore
{
    /// <summary>The packs and their index.</summary>
    internal BlockPacks Packs { get; }

    /// <summary>
    /// Opens a writer that appends blocks to a new pack (a CARv1 file naming <paramref name="root"/>
    /// as its root, or the first block put when null), for bulk transfers: a fetched DAG, an imported CAR. Much faster than
    /// <see cref="PutAsync"/> per block where creating a file is costly; its blocks are visible once
    /// committed. Takes the repository's write lease on the first block, as a put does.
    /// </summary>
    public PackWriter OpenPackWriter(Cid? root) => new(this, root, underGc: false);

    /// <summary>A writer for gc's compaction (see <see cref="PackWriter"/>'s underGc).</summary>
    internal PackWriter OpenPackWriterUnderGc(Cid root) => new(this, root, underGc: true);

    /// <summary>The store's clock (gc's age checks use it, as the temp-file cleanup does).</summary>
    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Counts a packed block toward what the next <see cref="FlushAsync"/> makes durable.</summary>
    internal void TrackPackWrite() => Interlocked.Increment(ref _written);

    /// <summary>Where syncfs is missing, a new pack is fsynced by path like a loose block.</summary>
    internal void TrackPackFile(string path)
    {
        if (!NativeSync.IsAvailable)
        {
            _unflushed.Enqueue(path);
        }
    }

    private byte[]? GetPacked(Cid cid)
    {
        var block = Packs.Read(cid.Multihash, cid);
        if (block is null || cid.Verifies(block))
        {
            return block;
        }

        throw new CairnException(ErrorCode.IntegrityViolation, $"Block {cid} is corrupted on disk: its {block.Length} bytes in a pack under {Packs.Folder} do not hash to its CID.")
        {
            Hint = "Fetch or add the content again (that stores the block anew); `cairn gc` reports every damaged pinned block.",
        };
    }
}
