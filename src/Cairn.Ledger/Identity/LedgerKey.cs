using System.Security.Cryptography;

namespace Cairn.Ledger.Identity;

/// <summary>
/// A P-256 signing key and its <c>did:key</c>. Accounts, orchestrators, providers and the ledger's
/// block producer all hold one. Signatures are ES256: 64-byte r ‖ s over SHA-256, low-S.
/// </summary>
public sealed class LedgerKey : IDisposable
{
    private readonly ECDsa _ecdsa;

    private LedgerKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        var p = ecdsa.ExportParameters(includePrivateParameters: false);
        Did = DidKey.FromPublicKey(p.Q.X!, p.Q.Y!);
    }

    /// <summary>The identity.</summary>
    public DidKey Did { get; }

    /// <summary>Makes a new random key.</summary>
    public static LedgerKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a key from its 32-byte private scalar.</summary>
    public static LedgerKey FromPrivateScalar(ReadOnlySpan<byte> d)
    {
        if (d.Length != 32)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"A P-256 private key is 32 bytes, not {d.Length}.");
        }

        var parameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d.ToArray() };
        try
        {
            var ecdsa = ECDsa.Create(parameters);
            return new LedgerKey(ecdsa);
        }
        catch (CryptographicException e)
        {
            throw new CairnException(ErrorCode.InvalidInput, "The private key is not a valid P-256 scalar.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    /// <summary>The private scalar (for key files only).</summary>
    public byte[] ExportPrivateScalar() => _ecdsa.ExportParameters(includePrivateParameters: true).D!;

    /// <summary>Signs data with ES256 and normalizes s to the low half.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signature = new byte[P256.SignatureLength];
        if (!_ecdsa.TrySignData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out var written)
            || written != P256.SignatureLength)
        {
            throw new CairnException(ErrorCode.Internal, "ES256 signing did not produce 64 bytes.");
        }

        P256.NormalizeLowS(signature);
        return signature;
    }

    /// <inheritdoc/>
    public void Dispose() => _ecdsa.Dispose();
}
