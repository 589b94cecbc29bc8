using System.Numerics;
using System.Security.Cryptography;

namespace Cairn.Ledger.Identity;

/// <summary>
/// The NIST P-256 arithmetic that .NET does not expose: point compression and decompression
/// (did:key carries the 33-byte compressed point) and the low-S rule for ES256 signatures.
/// </summary>
internal static class P256
{
    /// <summary>Length of a compressed public key (0x02/0x03 prefix + X).</summary>
    public const int CompressedLength = 33;

    /// <summary>Length of an ES256 signature: r ‖ s, 32 bytes each, big-endian.</summary>
    public const int SignatureLength = 64;

    // Field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 and curve constant b (SEC 2, section 2.4.2).
    private static readonly BigInteger Prime = Parse("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    private static readonly BigInteger B = Parse("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

    // Group order n and n/2: a signature with s > n/2 has the twin (r, n - s) that is equally valid,
    // so only the low one is accepted.
    private static readonly BigInteger Order = Parse("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    private static readonly byte[] HalfOrder = ToFixed(Order >> 1);

    // p ≡ 3 (mod 4), so a square root of a is a^((p+1)/4) when one exists.
    private static readonly BigInteger SqrtExponent = (Prime + 1) >> 2;

    public static byte[] Compress(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        if (x.Length != 32 || y.Length != 32)
        {
            throw new ArgumentException("P-256 coordinates are 32 bytes each.");
        }

        var result = new byte[CompressedLength];
        result[0] = (byte)((y[31] & 1) == 0 ? 0x02 : 0x03);
        x.CopyTo(result.AsSpan(1));
        return result;
    }

    /// <summary>Recovers (X, Y) from a compressed point; false when it is not a point of the curve.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> compressed, out byte[] x, out byte[] y)
    {
        x = [];
        y = [];
        if (compressed.Length != CompressedLength || (compressed[0] != 0x02 && compressed[0] != 0x03))
        {
            return false;
        }

        var xi = new BigInteger(compressed[1..], isUnsigned: true, isBigEndian: true);
        if (xi >= Prime)
        {
            return false;
        }

        var rhs = (BigInteger.ModPow(xi, 3, Prime) - (3 * xi) + B) % Prime;
        if (rhs.Sign < 0)
        {
            rhs += Prime;
        }

        var yi = BigInteger.ModPow(rhs, SqrtExponent, Prime);
        if (BigInteger.ModPow(yi, 2, Prime) != rhs)
        {
            return false;
        }

        var wantOdd = compressed[0] == 0x03;
        if (!yi.IsEven != wantOdd)
        {
            yi = Prime - yi;
        }

        x = compressed[1..].ToArray();
        y = ToFixed(yi);
        return true;
    }

    /// <summary>True when s (the second half of r ‖ s) is at most n/2.</summary>
    public static bool IsLowS(ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureLength && signature[32..].SequenceCompareTo(HalfOrder) <= 0;

    /// <summary>Rewrites s as n - s when it is high, in place.</summary>
    public static void NormalizeLowS(Span<byte> signature)
    {
        if (IsLowS(signature))
        {
            return;
        }

        var s = new BigInteger(signature[32..], isUnsigned: true, isBigEndian: true);
        ToFixed(Order - s).CopyTo(signature[32..]);
    }

    /// <summary>The high-S twin of a signature (for tests: it verifies under plain ECDSA but not here).</summary>
    public static byte[] Twin(ReadOnlySpan<byte> signature)
    {
        var result = signature.ToArray();
        var s = new BigInteger(signature[32..], isUnsigned: true, isBigEndian: true);
        ToFixed(Order - s).CopyTo(result.AsSpan(32));
        return result;
    }

    public static ECParameters PublicParameters(byte[] x, byte[] y) => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = x, Y = y },
    };

    private static BigInteger Parse(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);

    private static byte[] ToFixed(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length == 32)
        {
            return bytes;
        }

        var result = new byte[32];
        bytes.CopyTo(result.AsSpan(32 - bytes.Length));
        return result;
    }
}
