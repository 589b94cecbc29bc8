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
        long kept = 0;
        foreach (var (key, path) in store.EnumerateFiles(cancellationToken))
        {
            if (!FileBlockStore.TryMultihashOf(key, out var multihash))
            {
                continue; // not a block file: not ours to delete
            }

            if (marked.Contains(key))
            {
                kept++;
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

        var temps = store.RemoveStaleTempFiles();
        return new GcResult(removed, removedBytes, kept, temps);
    }
}
