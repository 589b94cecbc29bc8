using System.Collections.Concurrent;
using Cairn.Content.Storage;
using Cairn.Jobs.Compute;
using Cairn.Multiformats;

namespace Cairn.Compute;

/// <summary>Provider records (<see cref="IProvidedRoots"/>): what this node holds, announced to its orchestrator.</summary>
public sealed partial class ComputeNode : IProvidedRoots
{
    /// <summary>At most this many records are announced (a frame stays far below the wire's 16 MiB), the largest first.</summary>
    public const int MaxProvidedRoots = 20_000;

    private const int MaxRecentInputs = 1_000;

    // A DAG's size never changes (content addressing), so it is measured once per root.
    private readonly ConcurrentDictionary<Cid, long> _dagBytes = new();
    private readonly ConcurrentDictionary<Cid, long> _recentInputs = new();
    private long _recentClock;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ProvidedRoot>> GetProvidedRootsAsync(CancellationToken cancellationToken = default)
    {
        var roots = new Dictionary<Cid, long>();
        var receipts = new List<Cid>();
        await foreach (var pin in _repo.Pins.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (pin.Mode != PinMode.Recursive)
            {
                continue;
            }

            if (pin.Name is { } name && name.EndsWith("/receipt", StringComparison.Ordinal))
            {
                // A receipt's pin keeps its module, inputs, outputs and logs: those are what jobs name.
                receipts.Add(pin.Cid);
            }
            else
            {
                await AddRootAsync(roots, pin.Cid, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var receipt in receipts)
        {
            if (await _repo.Blocks.GetAsync(receipt, cancellationToken).ConfigureAwait(false) is not { } block)
            {
                continue;
            }

            IReadOnlyList<Cid> links;
            try
            {
                links = Content.BlockLinks.Get(receipt, block);
            }
            catch (CairnException)
            {
                continue;
            }

            foreach (var link in links)
            {
                await AddRootAsync(roots, link, cancellationToken).ConfigureAwait(false);
            }
        }

        // Inputs fetched lately are held until gc, pinned or not: a job over the same data may come next.
        foreach (var input in _recentInputs.Keys)
        {
            await AddRootAsync(roots, input, cancellationToken).ConfigureAwait(false);
        }

        return [.. roots.OrderByDescending(r => r.Value).Take(MaxProvidedRoots).Select(r => new ProvidedRoot(r.Key.ToString(), r.Value))];
    }

    private void NoteInput(Cid cid)
    {
        _recentInputs[cid] = Interlocked.Increment(ref _recentClock);
        if (_recentInputs.Count > MaxRecentInputs)
        {
            foreach (var old in _recentInputs.OrderBy(p => p.Value).Take(_recentInputs.Count - MaxRecentInputs).ToList())
            {
                _recentInputs.TryRemove(old.Key, out _);
            }
        }
    }

    private async Task AddRootAsync(Dictionary<Cid, long> roots, Cid cid, CancellationToken cancellationToken)
    {
        if (roots.ContainsKey(cid) || cid.HashCode == Multicodec.Identity)
        {
            return;
        }

        if (_dagBytes.TryGetValue(cid, out var known))
        {
            // Known whole once; still here only while its root block is (gc takes unpinned DAGs whole).
            if (await _repo.Blocks.HasAsync(cid, cancellationToken).ConfigureAwait(false))
            {
                roots[cid] = known;
            }

            return;
        }

        var (missing, bytes) = await ScanDagAsync(cid, cancellationToken).ConfigureAwait(false);
        if (missing is null)
        {
            _dagBytes[cid] = bytes;
            roots[cid] = bytes;
        }
    }
}
