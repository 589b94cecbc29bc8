using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Cairn.Ledger.Identity;

/// <summary>
/// Verifies ES256 signatures by <c>did:key</c> identities. High-S signatures are rejected so that a
/// signed object has exactly one valid signature per signer (no malleability).
/// </summary>
/// <remarks>
/// Imported public keys are pooled per identity: importing costs about as much as a verification,
/// and replay verifies the same signers' transactions on every core. Neither an <see cref="ECDsa"/>
/// instance nor an OpenSSL <c>EC_KEY</c> is documented as safe for concurrent use, so each is rented
/// by one thread at a time; a signer ends up with as many instances as threads that verified its
/// signatures at once (at most the core count). Verification goes straight to libcrypto where it
/// loads (<see cref="OpenSslP256"/>), else through <see cref="ECDsa"/>.
/// </remarks>
public static class SignatureVerifier
{
    private const int PoolLimit = 50_000;

    private static readonly ConcurrentDictionary<string, Signer> Pool = new(StringComparer.Ordinal);
    private static long s_imports;

    /// <summary>How many public keys were imported so far (for the benchmark).</summary>
    internal static long Imports => Interlocked.Read(ref s_imports);

    /// <summary>Whether verification goes straight to libcrypto (<see cref="OpenSslP256"/>) rather than through <see cref="ECDsa"/>.</summary>
    internal static bool UsesNativeOpenSsl => OpenSslP256.IsAvailable;

    /// <summary>True when <paramref name="signature"/> is a low-S ES256 signature of <paramref name="data"/> by <paramref name="signer"/>.</summary>
    public static bool Verify(string signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(data, digest);
        return VerifyDigest(signer, digest, signature);
    }

    /// <summary>Like <see cref="Verify"/> but over a precomputed SHA-256 digest.</summary>
    public static bool VerifyDigest(string signer, ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != P256.SignatureLength || sha256.Length != 32 || !P256.IsLowS(signature) || !TryRent(signer, out var entry, out var key))
        {
            return false;
        }

        try
        {
            return key.VerifyDigest(sha256, signature);
        }
        finally
        {
            entry.Keys.Add(key);
        }
    }

    private static bool TryRent(string signer, out Signer entry, out PublicKey key)
    {
        if (Pool.TryGetValue(signer, out entry!))
        {
            if (entry.Keys.TryTake(out key!))
            {
                return true;
            }
        }
        else
        {
            // Only valid identities get a pool entry, so garbage signers cannot grow the pool. The
            // point is decompressed once per signer (BigInteger square roots are not cheap), then
            // each thread that needs the key imports it from the coordinates.
            if (!DidKey.TryParse(signer, out var did))
            {
                entry = null!;
                key = null!;
                return false;
            }

            if (Pool.Count >= PoolLimit)
            {
                // Dropped keys are released by their finalizers; one may still be rented.
                Pool.Clear();
            }

            entry = Pool.GetOrAdd(signer, static (_, d) => new Signer(d.X, d.Y), did);
        }

        key = PublicKey.Import(entry.X, entry.Y);
        Interlocked.Increment(ref s_imports);
        return true;
    }

    /// <summary>A signer's public point and its imported keys not in use right now.</summary>
    private sealed class Signer(byte[] x, byte[] y)
    {
        public byte[] X { get; } = x;

        public byte[] Y { get; } = y;

        public ConcurrentBag<PublicKey> Keys { get; } = [];
    }

    /// <summary>One imported public key, used by one thread at a time.</summary>
    private sealed class PublicKey
    {
        private readonly OpenSslP256.EcKeyHandle? _native;
        private readonly ECDsa? _managed;

        private PublicKey(OpenSslP256.EcKeyHandle? native, ECDsa? managed)
        {
            _native = native;
            _managed = managed;
        }

        public static PublicKey Import(byte[] x, byte[] y) =>
            OpenSslP256.ImportPublicKey(x, y) is { } native ? new(native, null) : new(null, ECDsa.Create(P256.PublicParameters(x, y)));

        public bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature) =>
            _native is not null
                ? OpenSslP256.VerifyDigest(_native, digest, signature)
                : _managed!.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
