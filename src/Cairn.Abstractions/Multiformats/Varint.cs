namespace Cairn.Multiformats;

/// <summary>
/// The multiformats unsigned varint: LEB128, at most 9 bytes (values below 2^63), minimally encoded.
/// </summary>
public static class Varint
{
    /// <summary>The longest varint the multiformats spec allows.</summary>
    public const int MaxLength = 9;

    /// <summary>The number of bytes <paramref name="value"/> takes when encoded.</summary>
    public static int SizeOf(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Writes <paramref name="value"/> and returns the number of bytes written.</summary>
    public static int Write(Span<byte> destination, ulong value)
    {
        if (value > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A multiformats varint holds at most 2^63-1.");
        }

        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Encodes <paramref name="value"/> into a new array.</summary>
    public static byte[] Encode(ulong value)
    {
        var bytes = new byte[SizeOf(value)];
        Write(bytes, value);
        return bytes;
    }

    /// <summary>
    /// Reads a varint from the start of <paramref name="source"/>. Returns false when the input ends
    /// before the varint does; throws <see cref="CairnException"/> when the bytes are not a valid,
    /// minimally encoded varint of at most 9 bytes.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int length)
    {
        ulong result = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (i == MaxLength)
            {
                throw new CairnException(ErrorCode.InvalidInput, "Invalid varint: longer than 9 bytes.");
            }

            var b = source[i];
            result |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    throw new CairnException(ErrorCode.InvalidInput, "Invalid varint: not minimally encoded (trailing zero byte).");
                }

                value = result;
                length = i + 1;
                return true;
            }
        }

        value = 0;
        length = 0;
        return false;
    }

    /// <summary>Reads a varint that must be complete within <paramref name="source"/>.</summary>
    public static ulong Read(ReadOnlySpan<byte> source, out int length)
    {
        if (!TryRead(source, out var value, out length))
        {
            throw new CairnException(ErrorCode.InvalidInput, source.IsEmpty ? "Invalid varint: no bytes." : "Invalid varint: truncated (the last byte has its continuation bit set).");
        }

        return value;
    }
}
