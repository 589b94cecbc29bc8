using Cairn.Multiformats;

namespace Cairn.Content.Storage;

/// <summary>
/// Mark and sweep over a <see cref="ContentRepo"/>: removes exactly the blocks that are neither
/// reachable from a recursive pin nor directly pinned.
/// </summary>
/// <remarks>
/// <para>Safety against concurrent imports: gc holds the repository's <see cref="RepoLock"/>
/// exclusively from before it reads the pins until the sweep ends, and every writer holds it
/// shared from its first block write until its pin is written (see <see cref="ContentRepo"/>).
/// So gc never sees the blocks of an import whose pin is not written yet: it waits for that
/// import, and imports that start meanwhile wait for gc.</para>
/// <para>Safety against damage: the mark phase reads and verifies every reachable block. A
/// missing or corrupted pinned block stops gc before anything is deleted, because the links of a
/// block that cannot be read are unknown and its descendants would look like garbage.</para>
/// </remarks>
public sealed class GarbageCollector
{
    private readonly ContentRepo _repo;
    private readonly LinkExtractor? _links;

    /// <summary>Creates a collector for <paramref name="repo"/>.</summary>
    public GarbageCollector(ContentRepo repo)
        : this(repo, null)
    {
    }

    internal GarbageCollector(ContentRepo repo, LinkExtractor? links)
    {
        ArgumentNullException.ThrowIfNull(repo);
        _repo = repo;
        _links = links;
    }

    /// <summary>Collects garbage; waits (up to the repository's lock timeout) for imports in progress.</summary>
    public async Task<GcResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var exclusive = await _repo.Lock.AcquireExclusiveAsync(_repo.LockTimeout, cancellationToken);
        var store = _repo.FileStore;

        var marked = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var recursive = new List<Cid>();
            await foreach (var pin in _repo.Pins.ListAsync(cancellationToken))
            {
                if (pin.Mode == PinMode.Recursive)
                {
                    recursive.Add(pin.Cid);
                }
                else
                {
                    // Verified when present, so a damaged direct pin is reported like any other.
                    await store.GetAsync(pin.Cid, cancellationToken);
                    marked.Add(FileBlockStore.KeyOf(pin.Cid.Multihash));
                }
            }

            await DagWalker.WalkAsync(
                recursive,
                store,
                [],
                (cid, _, _) =>
                {
                    marked.Add(FileBlockStore.KeyOf(cid.Multihash));
                    return ValueTask.CompletedTask;
                },
                readRawBlocks: true,
                _links,
                cancellationToken);
        }
        catch (CairnException e) when (e.Code is ErrorCode.NotFound or ErrorCode.IntegrityViolation or ErrorCode.InvalidInput or ErrorCode.Unsupported)
        {
            throw new CairnException(e.Code, $"Garbage collection stopped before deleting anything: {e.Message}", e)
            {
                Hint = "A pinned DAG is incomplete or damaged: add or import that content again, or `cairn pin rm` its root, then rerun gc.",
            };
        }

        var removed = new List<Cid>();
        long removedBytes = 0;
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, path) in store.EnumerateFiles(cancellationToken))
        {
            if (!FileBlockStore.TryMultihashOf(key, out var multihash))
            {
                continue; // not a block file: not ours to delete
            }

            if (marked.Contains(key))
            {
                kept.Add(key);
                continue;
            }

            long size;
            try
            {
                size = new FileInfo(path).Length;
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            if (FileBlockStore.DeleteFile(path))
            {
                removedBytes += size;
                removed.Add(Cid.V1(Multicodec.Raw, multihash));
            }
        }

        // Packed blocks: unmarked rows go (in one transaction), then packs left mostly garbage are rewritten or removed.
        var unmarked = new List<byte[]>();
        foreach (var (multihash, at) in store.Packs.Enumerate(cancellationToken).ToList())
        {
            var key = FileBlockStore.KeyOf(multihash);
            if (marked.Contains(key))
            {
                kept.Add(key);
            }
            else
            {
                unmarked.Add(multihash);
                removedBytes += at.Length;
                removed.Add(Cid.V1(Multicodec.Raw, multihash));
            }
        }

        if (unmarked.Count > 0)
        {
            store.Packs.DeleteMany(unmarked);
        }

        await CompactPacksAsync(store, cancellationToken);
        var temps = store.RemoveStaleTempFiles();
        return new GcResult(removed, removedBytes, kept.Count, temps);
    }

    /// <summary>
    /// Reclaims the space of removed packed blocks: a pack with nothing indexed in it is deleted; one
    /// whose indexed blocks fill less than half of it has them copied to a new pack (rows re-pointed in
    /// one transaction) and is deleted. Pack files the index never named (a writer killed before its
    /// first commit) are deleted once older than <see cref="FileBlockStore.StaleTempAge"/>.
    /// </summary>
    private static async Task CompactPacksAsync(FileBlockStore store, CancellationToken cancellationToken)
    {
        var packs = store.Packs;
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (pack, liveBytes, liveBlocks) in packs.PacksWithLiveBytes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            named.Add(pack);
            var path = packs.PathOf(pack);
            var size = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (liveBlocks > 0 && liveBytes * 2 >= size)
            {
                continue;
            }

            if (liveBlocks > 0)
            {
                // The blocks were verified by the mark phase (every live block is reachable from a pin).
                var moving = packs.Enumerate(cancellationToken, pack).ToList();
                await using var writer = store.OpenPackWriterUnderGc(Cid.V1(Multicodec.Raw, moving[0].Multihash));
                foreach (var (multihash, at) in moving)
                {
                    var cid = Cid.V1(Multicodec.Raw, multihash);
                    await writer.PutAsync(cid, packs.ReadAt(at, cid), cancellationToken);
                }

                // The old pack holds the only other copy of these pinned blocks: the new one is durable before
                // the rows move to it, and the move is durable before the old one goes. A crash in between
                // leaves the old rows (and a new pack no row names) or the new rows (and an old pack with
                // nothing indexed in it): either way a later gc removes the leftover.
                await store.FlushAsync(cancellationToken);
                await writer.CommitAsync(cancellationToken);
                store.TrackPackWrite();
                await store.FlushAsync(cancellationToken);
            }

            File.Delete(path);
            packs.ForgetPack(pack);
        }

        if (!Directory.Exists(packs.Folder))
        {
            return;
        }

        var cutoff = store.Now.UtcDateTime - FileBlockStore.StaleTempAge;
        foreach (var file in Directory.EnumerateFiles(packs.Folder, "*" + BlockPacks.Extension))
        {
            if (!named.Contains(Path.GetFileName(file)) && File.GetLastWriteTimeUtc(file) < cutoff)
            {
                File.Delete(file);
            }
        }
    }
}
