using System.Text;
using Cairn.Multiformats;

namespace Cairn.Content.DagPb;

/// <summary>
/// Encodes and decodes DAG-PB blocks (https://ipld.io/specs/codecs/dag-pb/spec/), byte-compatible
/// with @ipld/dag-pb and go-codec-dagpb. The encoder writes the canonical form (links first, sorted
/// by name bytes, then data). The decoder is strict as the spec asks: link fields in field order,
/// no duplicate fields, no unknown fields or wire types, no interleaved Links/Data/Links, every link
/// has a Hash that is a CID, names are valid UTF-8; it accepts Data before Links because IPFS data
/// exists in both orders. Failures are <see cref="CairnException"/>s with the byte offset.
/// </summary>
public static class DagPbCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes a node in canonical form. Links must already be sorted by name bytes (see <see cref="SortLinks"/>).</summary>
    public static byte[] Encode(PBNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var size = 0;
        for (var i = 0; i < node.Links.Count; i++)
        {
            var link = node.Links[i];
            if (i > 0 && CompareNames(node.Links[i - 1].Name, link.Name) > 0)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"DAG-PB links must be sorted by name bytes: link {i} ('{link.Name}') sorts before link {i - 1} ('{node.Links[i - 1].Name}').");
            }

            size += ProtoWriter.BytesFieldSize(LinkSize(link));
        }

        if (node.Data is { } data)
        {
            size += ProtoWriter.BytesFieldSize(data.Length);
        }

        var block = new byte[size];
        var span = block.AsSpan();
        var pos = 0;
        foreach (var link in node.Links)
        {
            span[pos++] = 0x12;
            pos += ProtoWriter.WriteVarint(span[pos..], (ulong)LinkSize(link));
            span[pos++] = 0x0A;
            pos += ProtoWriter.WriteVarint(span[pos..], (ulong)link.Hash.Bytes.Length);
            link.Hash.Bytes.CopyTo(span[pos..]);
            pos += link.Hash.Bytes.Length;
            if (link.Name is { } name)
            {
                span[pos++] = 0x12;
                var nameLength = Encoding.UTF8.GetByteCount(name);
                pos += ProtoWriter.WriteVarint(span[pos..], (ulong)nameLength);
                pos += Encoding.UTF8.GetBytes(name, span[pos..]);
            }

            if (link.Tsize is { } tsize)
            {
                span[pos++] = 0x18;
                pos += ProtoWriter.WriteVarint(span[pos..], tsize);
            }
        }

        if (node.Data is { } d)
        {
            span[pos++] = 0x0A;
            pos += ProtoWriter.WriteVarint(span[pos..], (ulong)d.Length);
            d.Span.CopyTo(span[pos..]);
            pos += d.Length;
        }

        return pos == size ? block : throw new InvalidOperationException("DAG-PB size mismatch.");
    }

    /// <summary>Decodes a DAG-PB block strictly.</summary>
    public static PBNode Decode(ReadOnlySpan<byte> block)
    {
        var links = new List<PBLink>();
        var data = Parse(block, links, names: true);
        return new PBNode(links, data);
    }

    /// <summary>Sorts links by name bytes, stably (missing names sort as empty), as the canonical form requires.</summary>
    public static List<PBLink> SortLinks(IEnumerable<PBLink> links)
    {
        ArgumentNullException.ThrowIfNull(links);
        var list = links.ToList();
        var indexed = list.Select((l, i) => (l, i)).ToList();
        indexed.Sort((a, b) =>
        {
            var c = CompareNames(a.l.Name, b.l.Name);
            return c != 0 ? c : a.i.CompareTo(b.i);
        });
        return indexed.Select(x => x.l).ToList();
    }

    /// <summary>Compares two link names by their UTF-8 bytes (null as empty), the DAG-PB link order.</summary>
    public static int CompareNames(string? a, string? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        Span<byte> ab = stackalloc byte[256];
        Span<byte> bb = stackalloc byte[256];
        var ae = Utf8(a ?? string.Empty, ab);
        var be = Utf8(b ?? string.Empty, bb);
        return ae.SequenceCompareTo(be);
    }

    /// <summary>
    /// Parses a block, appending links to <paramref name="links"/> (names decoded only when
    /// <paramref name="names"/> is true) and returning Data (null when absent).
    /// </summary>
    internal static ReadOnlyMemory<byte>? Parse(ReadOnlySpan<byte> block, List<PBLink>? links, bool names, List<Cid>? cids = null)
    {
        var reader = new ProtoReader(block, 0, "DAG-PB node");
        var sawLinks = false;
        var linksBeforeData = false;
        ReadOnlyMemory<byte>? data = null;
        while (!reader.End)
        {
            var keyAt = reader.Position;
            var (field, wire) = reader.ReadKey();
            if (wire != 2)
            {
                throw reader.Fail(keyAt, $"PBNode field {field} has wire type {wire}, expected 2 (length-delimited)");
            }

            if (field == 1)
            {
                if (data is not null)
                {
                    throw reader.Fail(keyAt, "duplicate Data field");
                }

                data = reader.ReadBytes(out _).ToArray();
                linksBeforeData = sawLinks;
            }
            else if (field == 2)
            {
                if (linksBeforeData)
                {
                    throw reader.Fail(keyAt, "Links after Data after Links (interleaved Links sections)");
                }

                sawLinks = true;
                var linkBytes = reader.ReadBytes(out var linkOffset);
                var link = ParseLink(linkBytes, linkOffset, names);
                links?.Add(link);
                cids?.Add(link.Hash);
            }
            else
            {
                throw reader.Fail(keyAt, $"unknown PBNode field {field} (expected 1 Data or 2 Links)");
            }
        }

        return data;
    }

    private static PBLink ParseLink(ReadOnlySpan<byte> bytes, int baseOffset, bool names)
    {
        var reader = new ProtoReader(bytes, baseOffset, "DAG-PB link");
        Cid? hash = null;
        string? name = null;
        ulong? tsize = null;
        var last = 0;
        while (!reader.End)
        {
            var keyAt = reader.Position;
            var (field, wire) = reader.ReadKey();
            if (field is < 1 or > 3)
            {
                throw reader.Fail(keyAt, $"unknown PBLink field {field} (expected 1 Hash, 2 Name or 3 Tsize)");
            }

            if (field == last)
            {
                throw reader.Fail(keyAt, $"duplicate PBLink field {field}");
            }

            if (field < last)
            {
                throw reader.Fail(keyAt, $"PBLink field {field} after field {last} (fields must be in order Hash, Name, Tsize)");
            }

            last = field;
            switch (field)
            {
                case 1:
                    if (wire != 2)
                    {
                        throw reader.Fail(keyAt, $"PBLink Hash has wire type {wire}, expected 2");
                    }

                    var hashAt = reader.Position;
                    var cidBytes = reader.ReadBytes(out _);
                    try
                    {
                        hash = Cid.FromBytes(cidBytes);
                    }
                    catch (CairnException e)
                    {
                        throw reader.Fail(hashAt, $"PBLink Hash is not a CID ({e.Message.TrimEnd('.')})");
                    }

                    break;
                case 2:
                    if (wire != 2)
                    {
                        throw reader.Fail(keyAt, $"PBLink Name has wire type {wire}, expected 2");
                    }

                    var nameAt = reader.Position;
                    var nameBytes = reader.ReadBytes(out _);
                    if (names)
                    {
                        try
                        {
                            name = StrictUtf8.GetString(nameBytes);
                        }
                        catch (DecoderFallbackException)
                        {
                            throw reader.Fail(nameAt, "PBLink Name is not valid UTF-8");
                        }
                    }

                    break;
                default:
                    if (wire != 0)
                    {
                        throw reader.Fail(keyAt, $"PBLink Tsize has wire type {wire}, expected 0 (varint)");
                    }

                    tsize = reader.ReadVarint();
                    break;
            }
        }

        if (hash is null)
        {
            throw reader.Fail(0, "PBLink has no Hash");
        }

        return new PBLink(hash, name, tsize);
    }

    private static int LinkSize(PBLink link)
    {
        var size = ProtoWriter.BytesFieldSize(link.Hash.Bytes.Length);
        if (link.Name is { } name)
        {
            size += ProtoWriter.BytesFieldSize(Encoding.UTF8.GetByteCount(name));
        }

        if (link.Tsize is { } tsize)
        {
            size += ProtoWriter.VarintFieldSize(tsize);
        }

        return size;
    }

    private static ReadOnlySpan<byte> Utf8(string s, Span<byte> scratch)
        => Encoding.UTF8.GetMaxByteCount(s.Length) <= scratch.Length
            ? scratch[..Encoding.UTF8.GetBytes(s, scratch)]
            : Encoding.UTF8.GetBytes(s);
}
