using System.Security.Cryptography;
using Cairn.Ledger.Identity;

namespace Cairn.Ledger.Tests.Identity;

/// <summary>The direct libcrypto verifier must say exactly what .NET's ECDsa (the reference here) says.</summary>
public class OpenSslP256Tests
{
    private static readonly byte[] Order = Convert.FromHexString("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

    [Fact]
    public void IsAvailable_OnLinuxUnlessDisabled_True()
    {
        // If this fails the ledger silently falls back to the slower ECDsa path: say so loudly.
        var disabled = Environment.GetEnvironmentVariable("CAIRN_LEDGER_NATIVE_VERIFY") == "0";
        Assert.Equal(OperatingSystem.IsLinux() && !disabled, OpenSslP256.IsAvailable);
        Assert.Equal(OpenSslP256.IsAvailable, SignatureVerifier.UsesNativeOpenSsl);
    }

    [Fact]
    public void VerifyDigest_ValidTamperedAndMalformedSignatures_AgreesWithEcdsa()
    {
        if (!OpenSslP256.IsAvailable)
        {
            return; // IsAvailable_OnLinuxUnlessDisabled_True says whether that is expected.
        }
        var random = new Random(4);
        var checkedCount = 0;
        for (var k = 0; k < 20; k++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var p = key.ExportParameters(false);
            using var reference = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = p.Q });
            using var native = OpenSslP256.ImportPublicKey(p.Q.X, p.Q.Y);
            Assert.NotNull(native);
            for (var m = 0; m < 10; m++)
            {
                var digest = SHA256.HashData(BitConverter.GetBytes(random.NextInt64()));
                var good = key.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                var candidates = new List<byte[]> { good, P256.Twin(good) };
                var flipped = (byte[])good.Clone();
                flipped[random.Next(64)] ^= (byte)(1 << random.Next(8));
                candidates.Add(flipped);
                var zeroR = (byte[])good.Clone();
                zeroR.AsSpan(0, 32).Clear();
                candidates.Add(zeroR);
                var zeroS = (byte[])good.Clone();
                zeroS.AsSpan(32).Clear();
                candidates.Add(zeroS);
                var rIsN = (byte[])good.Clone();
                Order.CopyTo(rIsN, 0);
                candidates.Add(rIsN);
                candidates.Add(Enumerable.Repeat((byte)0xFF, 64).ToArray());

                foreach (var sig in candidates)
                {
                    var expected = reference.VerifyHash(digest, sig, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                    Assert.Equal(expected, OpenSslP256.VerifyDigest(native, digest, sig));
                    checkedCount++;
                }

                var otherDigest = SHA256.HashData(digest);
                Assert.False(OpenSslP256.VerifyDigest(native, otherDigest, good));
                Assert.True(OpenSslP256.VerifyDigest(native, digest, good));
            }
        }

        Assert.Equal(20 * 10 * 7, checkedCount);
    }

    [Fact]
    public void ImportPublicKey_PointOffTheCurve_IsRefused()
    {
        if (!OpenSslP256.IsAvailable)
        {
            return; // IsAvailable_OnLinuxUnlessDisabled_True says whether that is expected.
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false);
        var y = (byte[])p.Q.Y!.Clone();
        y[31] ^= 1;
        Assert.Null(OpenSslP256.ImportPublicKey(p.Q.X, y));
        using var ok = OpenSslP256.ImportPublicKey(p.Q.X, p.Q.Y);
        Assert.NotNull(ok);
    }
}
