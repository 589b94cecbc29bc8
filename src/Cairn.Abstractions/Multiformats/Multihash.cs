using System.Security.Cryptography;

namespace Cairn.Multiformats;

/// <summary>
/// A multihash: <c>varint(code) varint(length) digest</c>. Cairn computes and verifies sha2-256,
/// sha2-512 and identity; other codes can be carried but not verified.
/// </summary>
public static class Multihash
{
    /// <summary>The largest identity multihash Cairn accepts (kubo's limit for inlined CIDs).</summary>
    public const int MaxIdentityLength = 128;

    /// <summary>Encodes a digest with its code and length.</summary>
    public static byte[] Encode(ulong code, ReadOnlySpan<byte> digest)
    {
        var output = new byte[Varint.SizeOf(code) + Varint.SizeOf((ulong)digest.Length) + digest.Length];
        var n = Varint.Write(output, code);
        n += Varint.Write(output.AsSpan(n), (ulong)digest.Length);
        digest.CopyTo(output.AsSpan(n));
        return output;
    }

    /// <summary>Hashes <paramref name="data"/> with sha2-256 and returns the multihash.</summary>
    public static byte[] Sha256(ReadOnlySpan<byte> data)
    {
        var output = new byte[34];
        output[0] = 0x12;
        output[1] = 32;
        SHA256.HashData(data, output.AsSpan(2));
        return output;
    }

    /// <summary>Hashes <paramref name="data"/> with the given function.</summary>
    public static byte[] Compute(ulong code, ReadOnlySpan<byte> data) => code switch
    {
        Multicodec.Sha256 => Sha256(data),
        Multicodec.Sha512 => Encode(code, SHA512.HashData(data)),
        Multicodec.Identity when data.Length <= MaxIdentityLength => Encode(code, data),
        Multicodec.Identity => throw new CairnException(ErrorCode.InvalidInput, $"An identity multihash holds at most {MaxIdentityLength} bytes, not {data.Length}."),
        _ => throw new CairnException(ErrorCode.Unsupported, $"Unsupported multihash function {Multicodec.NameOf(code)}.") { Hint = "Cairn hashes with sha2-256, sha2-512 and identity." },
    };

    /// <summary>
    /// Splits a multihash at the start of <paramref name="source"/> into its parts and returns its total length.
    /// Throws when it is malformed or truncated.
    /// </summary>
    public static int Read(ReadOnlySpan<byte> source, out ulong code, out ReadOnlySpan<byte> digest)
    {
        if (!Varint.TryRead(source, out code, out var n1))
        {
            throw new CairnException(ErrorCode.InvalidInput, "Invalid multihash: truncated in its function code.");
        }

        if (!Varint.TryRead(source[n1..], out var length, out var n2))
        {
            throw new CairnException(ErrorCode.InvalidInput, "Invalid multihash: truncated in its digest length.");
        }

        var header = n1 + n2;
        if (length > (ulong)(source.Length - header))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"Invalid multihash: the digest length is {length} but only {source.Length - header} bytes follow.");
        }

        switch (code)
        {
            case Multicodec.Sha256 when length != 32:
                throw new CairnException(ErrorCode.InvalidInput, $"Invalid multihash: a sha2-256 digest is 32 bytes, not {length}.");
            case Multicodec.Sha512 when length != 64:
                throw new CairnException(ErrorCode.InvalidInput, $"Invalid multihash: a sha2-512 digest is 64 bytes, not {length}.");
            case Multicodec.Identity when length > MaxIdentityLength:
                throw new CairnException(ErrorCode.InvalidInput, $"Invalid multihash: an identity digest holds at most {MaxIdentityLength} bytes, not {length}.");
        }

        digest = source.Slice(header, (int)length);
        return header + (int)length;
    }

    /// <summary>True when <paramref name="data"/> hashes to <paramref name="multihash"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> multihash, ReadOnlySpan<byte> data)
    {
        Read(multihash, out var code, out var digest);
        switch (code)
        {
            case Multicodec.Sha256:
                Span<byte> h256 = stackalloc byte[32];
                SHA256.HashData(data, h256);
                return h256.SequenceEqual(digest);
            case Multicodec.Sha512:
                Span<byte> h512 = stackalloc byte[64];
                SHA512.HashData(data, h512);
                return h512.SequenceEqual(digest);
            case Multicodec.Identity:
                return data.SequenceEqual(digest);
            default:
                throw new CairnException(ErrorCode.Unsupported, $"Cannot verify a block hashed with {Multicodec.NameOf(code)}.") { Hint = "Cairn verifies sha2-256, sha2-512 and identity hashes." };
        }
    }
}
