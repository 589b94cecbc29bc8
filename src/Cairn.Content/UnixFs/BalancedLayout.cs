using Cairn.Content.DagPb;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.UnixFs;

/// <summary>
/// The balanced file layout of ipfs-unixfs-importer and kubo, built as leaves stream in: each level
/// keeps only its pending links (at most MaxLinks), and a full level is reduced to one node on the
/// level above. The result equals the JS recursion "batch leaves by MaxLinks, reduce each batch,
/// repeat while more than one root", with a single leaf standing for the file itself.
/// </summary>
internal sealed class BalancedLayout
{
    private readonly IBlockStore _store;
    private readonly int _maxLinks;
    private readonly int _cidVersion;
    private readonly List<List<DagNode>> _pending = [];
    private readonly List<long> _totals = [];

    public BalancedLayout(IBlockStore store, int maxLinks, int cidVersion)
    {
        _store = store;
        _maxLinks = maxLinks;
        _cidVersion = cidVersion;
    }

    public ValueTask AddLeafAsync(DagNode leaf, CancellationToken cancellationToken) => PushAsync(0, leaf, cancellationToken);

    public async ValueTask<DagNode> FinishAsync(CancellationToken cancellationToken)
    {
        for (var level = 0; level < _pending.Count; level++)
        {
            var pending = _pending[level];
            if (_totals[level] == 1 && level == _pending.Count - 1)
            {
                // The only node on the top level is the root (one leaf: the leaf itself).
                return pending[0];
            }

            if (pending.Count > 0)
            {
                var node = await ReduceAsync(pending, cancellationToken);
                pending.Clear();
                await PushAsync(level + 1, node, cancellationToken);
            }
        }

        throw new InvalidOperationException("A file layout needs at least one leaf.");
    }

    private async ValueTask PushAsync(int level, DagNode node, CancellationToken cancellationToken)
    {
        if (level == _pending.Count)
        {
            _pending.Add(new List<DagNode>(_maxLinks));
            _totals.Add(0);
        }

        var pending = _pending[level];
        pending.Add(node);
        _totals[level]++;
        if (pending.Count == _maxLinks)
        {
            var parent = await ReduceAsync(pending, cancellationToken);
            pending.Clear();
            await PushAsync(level + 1, parent, cancellationToken);
        }
    }

    private async ValueTask<DagNode> ReduceAsync(List<DagNode> children, CancellationToken cancellationToken)
    {
        var links = new List<PBLink>(children.Count);
        var sizes = new List<ulong>(children.Count);
        ulong tsizes = 0;
        foreach (var child in children)
        {
            // The JS importer drops children without content (only an empty leaf could be one).
            if (child.FileSize == 0)
            {
                continue;
            }

            links.Add(new PBLink(child.Cid, string.Empty, child.Tsize));
            sizes.Add(child.FileSize);
            tsizes += child.Tsize;
        }

        var data = UnixFsData.ForFile(sizes);
        var block = DagPbCodec.Encode(new PBNode(links, data.Encode()));
        var cid = Cid.Compute(_cidVersion, Multicodec.DagPb, block);
        await _store.PutAsync(cid, block, cancellationToken);
        return new DagNode(cid, (ulong)block.Length + tsizes, data.FileSize!.Value);
    }
}
