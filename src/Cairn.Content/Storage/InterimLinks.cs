using Cairn.Multiformats;

namespace Cairn.Content.Storage;

/// <summary>
/// Link extraction for raw and dag-pb blocks until the shared <c>BlockLinks</c> lands; dag-cbor
/// and other codecs are refused rather than guessed.
/// </summary>
internal static class InterimLinks
{
    public static IReadOnlyList<Cid> Get(Cid cid, ReadOnlySpan<byte> block)
    {
        if (cid.Codec == Multicodec.Raw)
        {
            return [];
        }

        if (cid.Codec != Multicodec.DagPb)
        {
            throw new CairnException(ErrorCode.Unsupported, $"Cannot follow links of {Multicodec.NameOf(cid.Codec)} block {cid} yet.");
        }

        var result = new List<Cid>();
        var pos = 0;
        while (pos < block.Length)
        {
            var key = ReadVarint(block, ref pos, cid);
            var length = (int)ReadVarint(block, ref pos, cid);
            if ((key & 7) != 2 || length > block.Length - pos)
            {
                throw Bad(cid);
            }

            if (key >> 3 == 2)
            {
                var link = block.Slice(pos, length);
                var p = 0;
                while (p < link.Length)
                {
                    var k = ReadVarint(link, ref p, cid);
                    if ((k & 7) == 0)
                    {
                        ReadVarint(link, ref p, cid);
                        continue;
                    }

                    var n = (int)ReadVarint(link, ref p, cid);
                    if (n > link.Length - p)
                    {
                        throw Bad(cid);
                    }

                    if (k >> 3 == 1)
                    {
                        result.Add(Cid.FromBytes(link.Slice(p, n)));
                    }

                    p += n;
                }
            }

            pos += length;
        }

        return result;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> source, ref int pos, Cid cid)
    {
        if (!Varint.TryRead(source[pos..], out var value, out var n))
        {
            throw Bad(cid);
        }

        pos += n;
        return value;
    }

    private static CairnException Bad(Cid cid) => new(ErrorCode.InvalidInput, $"Block {cid} is not valid dag-pb.");
}
