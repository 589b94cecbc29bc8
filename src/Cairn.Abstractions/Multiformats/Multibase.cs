using System.Text;

namespace Cairn.Multiformats;

/// <summary>The multibase encodings Cairn reads and writes.</summary>
public enum MultibaseEncoding
{
    /// <summary><c>b</c>: RFC 4648 base32, lower case, no padding (the CIDv1 default).</summary>
    Base32Lower,

    /// <summary><c>B</c>: RFC 4648 base32, upper case, no padding.</summary>
    Base32Upper,

    /// <summary><c>z</c>: base58 with the Bitcoin alphabet (CIDv0 strings are this without the prefix).</summary>
    Base58Btc,

    /// <summary><c>f</c>: lower-case hexadecimal.</summary>
    Base16Lower,
}

/// <summary>Multibase: a one-character prefix naming the encoding, then the encoded bytes.</summary>
public static class Multibase
{
    private const string Base32LowerAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const string Base32UpperAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private static readonly sbyte[] Base32Map = BuildMap(Base32LowerAlphabet);
    private static readonly sbyte[] Base32UpperMap = BuildMap(Base32UpperAlphabet);
    private static readonly sbyte[] Base58Map = BuildMap(Base58Alphabet);

    /// <summary>The prefix character of an encoding.</summary>
    public static char PrefixOf(MultibaseEncoding encoding) => encoding switch
    {
        MultibaseEncoding.Base32Lower => 'b',
        MultibaseEncoding.Base32Upper => 'B',
        MultibaseEncoding.Base58Btc => 'z',
        MultibaseEncoding.Base16Lower => 'f',
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    /// <summary>Encodes with the prefix.</summary>
    public static string Encode(ReadOnlySpan<byte> data, MultibaseEncoding encoding)
        => PrefixOf(encoding) + EncodeWithoutPrefix(data, encoding);

    /// <summary>Encodes without the prefix.</summary>
    public static string EncodeWithoutPrefix(ReadOnlySpan<byte> data, MultibaseEncoding encoding) => encoding switch
    {
        MultibaseEncoding.Base32Lower => EncodeBase32(data, Base32LowerAlphabet),
        MultibaseEncoding.Base32Upper => EncodeBase32(data, Base32UpperAlphabet),
        MultibaseEncoding.Base58Btc => EncodeBase58(data),
        MultibaseEncoding.Base16Lower => Convert.ToHexStringLower(data),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    /// <summary>Decodes a prefixed multibase string.</summary>
    public static byte[] Decode(string text, out MultibaseEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            throw new CairnException(ErrorCode.InvalidInput, "Invalid multibase string: it is empty.");
        }

        encoding = text[0] switch
        {
            'b' => MultibaseEncoding.Base32Lower,
            'B' => MultibaseEncoding.Base32Upper,
            'z' => MultibaseEncoding.Base58Btc,
            'f' or 'F' => MultibaseEncoding.Base16Lower,
            _ => throw new CairnException(ErrorCode.Unsupported, $"Unsupported multibase prefix '{text[0]}'.")
            {
                Hint = "Cairn reads base32 ('b', 'B'), base58btc ('z') and base16 ('f').",
            },
        };
        return DecodeWithoutPrefix(text.AsSpan(1), encoding);
    }

    /// <summary>Decodes text that carries no prefix, in the given encoding.</summary>
    public static byte[] DecodeWithoutPrefix(ReadOnlySpan<char> text, MultibaseEncoding encoding) => encoding switch
    {
        MultibaseEncoding.Base32Lower => DecodeBase32(text, Base32Map),
        MultibaseEncoding.Base32Upper => DecodeBase32(text, Base32UpperMap),
        MultibaseEncoding.Base58Btc => DecodeBase58(text),
        MultibaseEncoding.Base16Lower => DecodeBase16(text),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    private static sbyte[] BuildMap(string alphabet)
    {
        var map = new sbyte[128];
        Array.Fill(map, (sbyte)-1);
        for (var i = 0; i < alphabet.Length; i++)
        {
            map[alphabet[i]] = (sbyte)i;
        }

        return map;
    }

    private static string EncodeBase32(ReadOnlySpan<byte> data, string alphabet)
    {
        var length = ((data.Length * 8) + 4) / 5;
        return string.Create(length, data.ToArray(), (chars, bytes) =>
        {
            var buffer = 0;
            var bits = 0;
            var o = 0;
            foreach (var b in bytes)
            {
                buffer = (buffer << 8) | b;
                bits += 8;
                while (bits >= 5)
                {
                    chars[o++] = alphabet[(buffer >> (bits - 5)) & 31];
                    bits -= 5;
                }
            }

            if (bits > 0)
            {
                chars[o] = alphabet[(buffer << (5 - bits)) & 31];
            }
        });
    }

    private static byte[] DecodeBase32(ReadOnlySpan<char> text, sbyte[] map)
    {
        // Unpadded base32 can only end after 0, 2, 4, 5 or 7 characters of a group of 8.
        var rem = text.Length % 8;
        if (rem is 1 or 3 or 6)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"Invalid base32: a length of {text.Length} characters cannot encode whole bytes.");
        }

        var output = new byte[text.Length * 5 / 8];
        var buffer = 0;
        var bits = 0;
        var o = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var v = c < 128 ? map[c] : -1;
            if (v < 0)
            {
                throw new CairnException(ErrorCode.InvalidInput, $"Invalid base32: character '{c}' at position {i} is not in the alphabet.");
            }

            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                output[o++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }

        // The leftover bits must be zero, or two strings would decode to the same bytes.
        if ((buffer & ((1 << bits) - 1)) != 0)
        {
            throw new CairnException(ErrorCode.InvalidInput, "Invalid base32: the last character carries non-zero padding bits.");
        }

        return output;
    }

    private static string EncodeBase58(ReadOnlySpan<byte> data)
    {
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
        {
            zeros++;
        }

        // log(256)/log(58) ~ 1.366: an upper bound on the digits needed.
        var size = ((data.Length - zeros) * 138 / 100) + 1;
        Span<byte> digits = size <= 512 ? stackalloc byte[size] : new byte[size];
        digits.Clear();
        var length = 0;
        for (var i = zeros; i < data.Length; i++)
        {
            int carry = data[i];
            var j = 0;
            for (var k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
            {
                carry += 256 * digits[k];
                digits[k] = (byte)(carry % 58);
                carry /= 58;
            }

            length = j;
        }

        var start = size - length;
        var sb = new StringBuilder(zeros + length);
        sb.Append('1', zeros);
        for (var i = start; i < size; i++)
        {
            sb.Append(Base58Alphabet[digits[i]]);
        }

        return sb.ToString();
    }

    private static byte[] DecodeBase58(ReadOnlySpan<char> text)
    {
        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        // log(58)/log(256) ~ 0.733: an upper bound on the bytes needed.
        var size = ((text.Length - zeros) * 733 / 1000) + 1;
        Span<byte> bytes = size <= 512 ? stackalloc byte[size] : new byte[size];
        bytes.Clear();
        var length = 0;
        for (var i = zeros; i < text.Length; i++)
        {
            var c = text[i];
            var v = c < 128 ? Base58Map[c] : -1;
            if (v < 0)
            {
                throw new CairnException(ErrorCode.InvalidInput, $"Invalid base58btc: character '{c}' at position {i} is not in the alphabet.");
            }

            int carry = v;
            var j = 0;
            for (var k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
            {
                carry += 58 * bytes[k];
                bytes[k] = (byte)(carry & 0xFF);
                carry >>= 8;
            }

            length = j;
        }

        var output = new byte[zeros + length];
        bytes[(size - length)..].CopyTo(output.AsSpan(zeros));
        return output;
    }

    private static byte[] DecodeBase16(ReadOnlySpan<char> text)
    {
        if (text.Length % 2 != 0)
        {
            throw new CairnException(ErrorCode.InvalidInput, "Invalid base16: odd number of characters.");
        }

        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException e)
        {
            throw new CairnException(ErrorCode.InvalidInput, "Invalid base16: " + e.Message, e);
        }
    }
}
