using System.Security.Cryptography;

namespace Cairn.Ledger.Identity;

/// <summary>
/// Verifies ES256 signatures by <c>did:key</c> identities. High-S signatures are rejected so that a
/// signed object has exactly one valid signature per signer (no malleability). Imported public keys
/// are cached per thread: importing costs about as much as a verification, and replay verifies on
/// several threads at once (an <see cref="ECDsa"/> instance is not documented as thread-safe).
/// </summary>
public static class SignatureVerifier
{
    private const int CacheLimit = 4096;

    [ThreadStatic]
    private static Dictionary<string, ECDsa>? t_cache;

    /// <summary>True when <paramref name="signature"/> is a low-S ES256 signature of <paramref name="data"/> by <paramref name="signer"/>.</summary>
    public static bool Verify(string signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != P256.SignatureLength || !P256.IsLowS(signature))
        {
            return false;
        }

        var ecdsa = KeyFor(signer);
        return ecdsa is not null && ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Like <see cref="Verify"/> but over a precomputed SHA-256 digest.</summary>
    public static bool VerifyDigest(string signer, ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != P256.SignatureLength || !P256.IsLowS(signature))
        {
            return false;
        }

        var ecdsa = KeyFor(signer);
        return ecdsa is not null && ecdsa.VerifyHash(sha256, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static ECDsa? KeyFor(string signer)
    {
        var cache = t_cache ??= new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        if (cache.TryGetValue(signer, out var ecdsa))
        {
            return ecdsa;
        }

        if (!DidKey.TryParse(signer, out var did))
        {
            return null;
        }

        if (cache.Count >= CacheLimit)
        {
            foreach (var old in cache.Values)
            {
                old.Dispose();
            }

            cache.Clear();
        }

        ecdsa = ECDsa.Create(P256.PublicParameters(did.X, did.Y));
        cache[signer] = ecdsa;
        return ecdsa;
    }
}
