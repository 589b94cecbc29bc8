using System.Security.Cryptography;
using Cairn.Ledger.Identity;

namespace Cairn.Ledger.Tests.Identity;

public class SignatureTests
{
    [Fact]
    public void Sign_ManyMessages_AlwaysLowSAndVerifies()
    {
        using var key = LedgerKey.Generate();
        for (var i = 0; i < 200; i++)
        {
            var data = BitConverter.GetBytes(i);
            var signature = key.Sign(data);
            Assert.Equal(64, signature.Length);
            Assert.True(P256.IsLowS(signature));
            Assert.True(SignatureVerifier.Verify(key.Did.Text, data, signature));
        }
    }

    [Fact]
    public void Verify_HighSTwin_IsRejectedThoughPlainEcdsaAcceptsIt()
    {
        using var key = LedgerKey.Generate();
        var data = "pay 5 to bob"u8.ToArray();
        var signature = key.Sign(data);
        var twin = P256.Twin(signature);

        // The twin is a mathematically valid ECDSA signature: .NET (OpenSSL) accepts it...
        var did = DidKey.Parse(key.Did.Text);
        using var plain = ECDsa.Create(P256.PublicParameters(did.X, did.Y));
        Assert.True(plain.VerifyData(data, twin, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        // ...but Cairn rejects it, so a transaction has only one valid signature and one id.
        Assert.False(P256.IsLowS(twin));
        Assert.False(SignatureVerifier.Verify(key.Did.Text, data, twin));
    }

    [Fact]
    public void Verify_WrongDataKeyOrLength_IsRejected()
    {
        using var alice = LedgerKey.Generate();
        using var bob = LedgerKey.Generate();
        var signature = alice.Sign("hello"u8);
        Assert.False(SignatureVerifier.Verify(alice.Did.Text, "hellO"u8, signature));
        Assert.False(SignatureVerifier.Verify(bob.Did.Text, "hello"u8, signature));
        Assert.False(SignatureVerifier.Verify(alice.Did.Text, "hello"u8, signature.AsSpan(0, 63)));
        Assert.False(SignatureVerifier.Verify("did:key:nope", "hello"u8, signature));
    }

    [Fact]
    public void FromPrivateScalar_RoundTrip_SameDid()
    {
        using var key = LedgerKey.Generate();
        using var again = LedgerKey.FromPrivateScalar(key.ExportPrivateScalar());
        Assert.Equal(key.Did, again.Did);
        Assert.True(SignatureVerifier.Verify(key.Did.Text, "x"u8, again.Sign("x"u8)));
    }

    [Fact]
    public void Verify_ManyThreadsSameSigners_EveryAnswerRight()
    {
        var keys = Enumerable.Range(0, 8).Select(_ => LedgerKey.Generate()).ToArray();
        try
        {
            var items = Enumerable.Range(0, 800).Select(i =>
            {
                var data = BitConverter.GetBytes(i);
                var signature = keys[i % keys.Length].Sign(data);
                var valid = i % 3 != 0;
                if (!valid)
                {
                    signature[5] ^= 1;
                }

                return (Signer: keys[i % keys.Length].Did.Text, Data: data, Signature: signature, Valid: valid);
            }).ToArray();
            var results = new bool[items.Length];
            Parallel.For(0, items.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
                results[i] = SignatureVerifier.Verify(items[i].Signer, items[i].Data, items[i].Signature));
            Assert.Equal(items.Select(x => x.Valid), results);
        }
        finally
        {
            foreach (var k in keys)
            {
                k.Dispose();
            }
        }
    }
}
