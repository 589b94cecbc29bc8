using Cairn.Multiformats;

namespace Cairn.Content;

/// <summary>
/// The CIDs a block links to, by the codec its CID names: what garbage collection, pinning and
/// CAR export follow to walk a DAG.
/// </summary>
public static class BlockLinks
{
    /// <summary>
    /// The links of <paramref name="block"/> (named by <paramref name="cid"/>): none for raw blocks,
    /// every tag-42 link for dag-cbor, the PBLinks for dag-pb. An identity-hashed CID carries its
    /// block inline, so its digest is read instead of <paramref name="block"/> (links inside an inlined
    /// dag-cbor or dag-pb node still name blocks that must be kept); an identity CID of any other codec
    /// links nowhere. Throws <see cref="CairnException"/> (<see cref="ErrorCode.Unsupported"/>) for other codecs.
    /// </summary>
    public static IReadOnlyList<Cid> Get(Cid cid, ReadOnlySpan<byte> block)
    {
        ArgumentNullException.ThrowIfNull(cid);
        var identity = cid.HashCode == Multicodec.Identity;
        if (identity)
        {
            block = cid.Digest;
        }

        switch (cid.Codec)
        {
            case Multicodec.Raw:
                return [];
            case Multicodec.DagCbor:
                return DagCbor.DagCbor.Links(block);
            case Multicodec.DagPb:
                // TODO(merge with unixfs): return DagPb.DagPbLinks.Get(block);
                throw new CairnException(ErrorCode.Unsupported, $"Cannot follow links in dag-pb block {cid} yet: the dag-pb decoder is not in this build.");
            case var _ when identity:
                return [];
            default:
                throw new CairnException(ErrorCode.Unsupported, $"Cannot follow links in codec {Multicodec.NameOf(cid.Codec)} (block {cid}).")
                {
                    Hint = "Cairn follows links in raw, dag-pb and dag-cbor blocks.",
                };
        }
    }
}
