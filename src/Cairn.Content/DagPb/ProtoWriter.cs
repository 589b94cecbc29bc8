using Cairn.Multiformats;

namespace Cairn.Content.DagPb;

/// <summary>Protobuf wire helpers for writers that size their output first and then fill a span.</summary>
internal static class ProtoWriter
{
    public static int VarintSize(ulong value) => Varint.SizeOf(value);

    // Not Varint.Write: protobuf varints span all 64 bits (a Tsize may exceed 2^63-1), while a
    // multiformats varint stops at 2^63-1 and Varint.Write enforces that.
    public static int WriteVarint(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Size of a length-delimited field with a one-byte key.</summary>
    public static int BytesFieldSize(int length) => 1 + VarintSize((ulong)length) + length;

    /// <summary>Size of a varint field with a one-byte key.</summary>
    public static int VarintFieldSize(ulong value) => 1 + VarintSize(value);
}
