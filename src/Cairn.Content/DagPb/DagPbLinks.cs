using Cairn.Multiformats;

namespace Cairn.Content.DagPb;

/// <summary>The links of a DAG-PB block, for traversals (GC, CAR export) that need only the CIDs.</summary>
public static class DagPbLinks
{
    /// <summary>The CIDs a DAG-PB block links to, in block order; throws <see cref="CairnException"/> (InvalidInput) on a malformed block.</summary>
    public static IReadOnlyList<Cid> Get(ReadOnlySpan<byte> block)
    {
        var cids = new List<Cid>();
        DagPbCodec.Parse(block, links: null, names: false, cids);
        return cids;
    }
}
