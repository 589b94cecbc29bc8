using System.Buffers;
using System.Text;

namespace Cairn.Content.DagCbor;

/// <summary>
/// Orders map keys the way DAG-CBOR requires (RFC 7049 canonical order): by the length of
/// their UTF-8 encoding first, then bytewise. Use it to build a map whose enumeration order
/// is the encoding order, e.g. <c>new SortedDictionary&lt;string, object?&gt;(DagCborKeyComparer.Instance)</c>.
/// </summary>
public sealed class DagCborKeyComparer : IComparer<string>
{
    private DagCborKeyComparer()
    {
    }

    /// <summary>The single instance.</summary>
    public static DagCborKeyComparer Instance { get; } = new();

    /// <summary>Compares two UTF-8 encoded keys in canonical order.</summary>
    public static int CompareUtf8(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
        => x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        // UTF-16 ordinal order differs from UTF-8 byte order for characters above U+D7FF,
        // so compare the UTF-8 bytes themselves.
        var lx = Encoding.UTF8.GetByteCount(x);
        var ly = Encoding.UTF8.GetByteCount(y);
        if (lx != ly)
        {
            return lx.CompareTo(ly);
        }

        if (lx <= 256)
        {
            Span<byte> bx = stackalloc byte[lx];
            Span<byte> by = stackalloc byte[ly];
            Encoding.UTF8.GetBytes(x, bx);
            Encoding.UTF8.GetBytes(y, by);
            return bx.SequenceCompareTo(by);
        }

        var rx = ArrayPool<byte>.Shared.Rent(lx);
        var ry = ArrayPool<byte>.Shared.Rent(ly);
        try
        {
            var nx = Encoding.UTF8.GetBytes(x, rx);
            var ny = Encoding.UTF8.GetBytes(y, ry);
            return rx.AsSpan(0, nx).SequenceCompareTo(ry.AsSpan(0, ny));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rx);
            ArrayPool<byte>.Shared.Return(ry);
        }
    }
}
