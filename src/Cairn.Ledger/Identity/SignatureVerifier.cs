using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Cairn.Ledger.Identity;

/// <summary>
/// Verifies ES256 signatures by <c>did:key</c> identities. High-S signatures are rejected so that a
/// signed object has exactly one valid signature per signer (no malleability).
/// </summary>
/// <remarks>
/// Imported public keys are pooled per identity: importing costs about as much as a verification,
/// and replay verifies the same signers' transactions on every core. An <see cref="ECDsa"/> instance
/// is not documented as thread-safe, so each is rented by one thread at a time; a signer ends up
/// with as many instances as threads that verified its signatures at once (at most the core count).
/// </remarks>
public static class SignatureVerifier
{
    private const int PoolLimit = 50_000;

    private static readonly ConcurrentDictionary<string, ConcurrentBag<ECDsa>> Pool = new(StringComparer.Ordinal);
    private static long s_imports;

    /// <summary>How many public keys were imported so far (for the benchmark).</summary>
    internal static long Imports => Interlocked.Read(ref s_imports);

    /// <summary>True when <paramref name="signature"/> is a low-S ES256 signature of <paramref name="data"/> by <paramref name="signer"/>.</summary>
    public static bool Verify(string signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != P256.SignatureLength || !P256.IsLowS(signature) || !TryRent(signer, out var bag, out var ecdsa))
        {
            return false;
        }

        try
        {
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            bag.Add(ecdsa);
        }
    }

    /// <summary>Like <see cref="Verify"/> but over a precomputed SHA-256 digest.</summary>
    public static bool VerifyDigest(string signer, ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != P256.SignatureLength || !P256.IsLowS(signature) || !TryRent(signer, out var bag, out var ecdsa))
        {
            return false;
        }

        try
        {
            return ecdsa.VerifyHash(sha256, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            bag.Add(ecdsa);
        }
    }

    private static bool TryRent(string signer, out ConcurrentBag<ECDsa> bag, out ECDsa ecdsa)
    {
        if (Pool.TryGetValue(signer, out bag!) && bag.TryTake(out ecdsa!))
        {
            return true;
        }

        // Only valid identities get a pool entry, so garbage signers cannot grow the pool.
        if (!DidKey.TryParse(signer, out var did))
        {
            bag = null!;
            ecdsa = null!;
            return false;
        }

        if (bag is null)
        {
            if (Pool.Count >= PoolLimit)
            {
                // Dropped instances are released by their finalizers; one may still be rented.
                Pool.Clear();
            }

            bag = Pool.GetOrAdd(signer, static _ => []);
        }

        ecdsa = ECDsa.Create(P256.PublicParameters(did.X, did.Y));
        Interlocked.Increment(ref s_imports);
        return true;
    }
}
