using Cairn.Multiformats;

namespace Cairn.Content.Car;

/// <summary>
/// A CAR header: the DAG-CBOR map <c>{version, roots}</c> at the start of a CAR file
/// (https://ipld.io/specs/transport/car/carv1/), encoded and decoded with the strict DAG-CBOR codec.
/// </summary>
/// <param name="Version">The CAR version (1 here; 2 is the CARv2 pragma).</param>
/// <param name="Roots">The root CIDs.</param>
public sealed record CarHeader(ulong Version, IReadOnlyList<Cid> Roots)
{
    /// <summary>
    /// The canonical DAG-CBOR bytes of a CARv1 header (<c>roots</c> sorts before <c>version</c>,
    /// as @ipld/car and go-car write it).
    /// </summary>
    public static byte[] EncodeV1(IReadOnlyList<Cid> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        return DagCbor.DagCbor.Encode(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["roots"] = roots,
            ["version"] = 1L,
        });
    }

    /// <summary>
    /// Decodes a header from exactly <paramref name="bytes"/>; on failure throws
    /// <see cref="ErrorCode.InvalidInput"/> naming the byte offset of the header (<paramref name="offset"/>).
    /// </summary>
    public static CarHeader Decode(ReadOnlySpan<byte> bytes, long offset)
    {
        object? value;
        try
        {
            value = DagCbor.DagCbor.Decode(bytes);
        }
        catch (CairnException e)
        {
            throw Invalid(offset, $"the header is not valid DAG-CBOR ({e.Message.TrimEnd('.')})");
        }

        if (value is not Dictionary<string, object?> map)
        {
            throw Invalid(offset, "the header is not a DAG-CBOR map");
        }

        if (!map.TryGetValue("version", out var v) || v is not long version || version < 0)
        {
            throw Invalid(offset, "the header has no version (an unsigned integer)");
        }

        var roots = new List<Cid>();
        if (map.TryGetValue("roots", out var r))
        {
            if (r is not List<object?> list)
            {
                throw Invalid(offset, "the header's roots is not a list");
            }

            foreach (var item in list)
            {
                roots.Add(item as Cid ?? throw Invalid(offset, "a header root is not a CID link"));
            }
        }
        else if (version == 1)
        {
            throw Invalid(offset, "the header has no roots");
        }

        return new CarHeader((ulong)version, roots);
    }

    private static CairnException Invalid(long offset, string reason) => CarStreamReader.Invalid(offset, reason);
}
