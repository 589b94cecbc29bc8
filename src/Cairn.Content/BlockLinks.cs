using Cairn.Multiformats;

namespace Cairn.Content;

/// <summary>
/// The CIDs a block links to, by the codec its CID names: what garbage collection, pinning and
/// CAR export follow to walk a DAG.
/// </summary>
public static class BlockLinks
{
    /// <summary>
    /// The links of <paramref name="block"/> (named by <paramref name="cid"/>): none for raw blocks
    /// and identity-hashed CIDs whose content is inline, every tag-42 link for dag-cbor, the
    /// PBLinks for dag-pb. Throws <see cref="CairnException"/> (<see cref="ErrorCode.Unsupported"/>) for other codecs.
    /// </summary>
    public static IReadOnlyList<Cid> Get(Cid cid, ReadOnlySpan<byte> block)
    {
        ArgumentNullException.ThrowIfNull(cid);
        switch (cid.Codec)
        {
            case Multicodec.Raw:
                return [];
            case Multicodec.DagCbor:
                return DagCbor.DagCbor.Links(block);
            case Multicodec.DagPb:
                // TODO(merge with unixfs): return DagPb.DagPbLinks.Get(block);
                throw new CairnException(ErrorCode.Unsupported, $"Cannot follow links in dag-pb block {cid} yet: the dag-pb decoder is not in this build.");
            default:
                if (cid.HashCode == Multicodec.Identity)
                {
                    // An identity CID of an unknown codec carries its content inline; it names no other block we can fetch.
                    return [];
                }

                throw new CairnException(ErrorCode.Unsupported, $"Cannot follow links in codec {Multicodec.NameOf(cid.Codec)} (block {cid}).")
                {
                    Hint = "Cairn follows links in raw, dag-pb and dag-cbor blocks.",
                };
        }
    }
}
