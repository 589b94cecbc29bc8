using System.Security.Cryptography;
using Cairn.Ledger.Identity;
using Cairn.Tests.Shared;

namespace Cairn.Ledger.Tests.Identity;

public class DidKeyTests
{
    [Fact]
    public void FromPublicKey_ThenParse_RecoversThePoint()
    {
        for (var i = 0; i < 50; i++)
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var q = ecdsa.ExportParameters(false).Q;
            var did = DidKey.FromPublicKey(q.X, q.Y);
            Assert.StartsWith("did:key:zDn", did.Text, StringComparison.Ordinal);
            var parsed = DidKey.Parse(did.Text);
            Assert.Equal(q.X, parsed.X);
            Assert.Equal(q.Y, parsed.Y);
        }
    }

    [Theory]
    [InlineData("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")] // Ed25519 key: wrong multicodec
    [InlineData("did:web:example.com")]
    [InlineData("did:key:fDnae")]
    [InlineData("did:key:zDn0OIl")]
    [InlineData("")]
    public void Parse_NotAP256DidKey_ThrowsInvalidInput(string text)
    {
        var e = Assert.Throws<CairnException>(() => DidKey.Parse(text));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }

    [Fact]
    public void Parse_XNotOnCurve_IsRejected()
    {
        using var key = LedgerKey.Generate();
        // Find an x for which x^3 - 3x + b has no square root: roughly half of all x.
        var raw = Cairn.Multiformats.Multibase.DecodeWithoutPrefix(key.Did.Text.AsSpan("did:key:z".Length), Cairn.Multiformats.MultibaseEncoding.Base58Btc);
        var rejected = 0;
        for (var i = 0; i < 20; i++)
        {
            raw[^1] ^= (byte)(i + 1);
            var text = "did:key:" + Cairn.Multiformats.Multibase.Encode(raw, Cairn.Multiformats.MultibaseEncoding.Base58Btc);
            if (!DidKey.TryParse(text, out _))
            {
                rejected++;
            }
        }

        Assert.InRange(rejected, 1, 20);
    }

    [Fact(Timeout = 60_000)]
    public async Task DidKey_DecodedByMultiformatsBase58btc_HasP256PrefixAndPoint()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        using var key = LedgerKey.Generate();
        var output = await NodeOracle.RunAsync("ledger-didkey.mjs", [key.Did.Text], cts.Token);
        // The oracle prints the multicodec code (decoded by multiformats' varint) and the hex of the rest.
        Assert.Equal($"{0x1200} {Convert.ToHexStringLower(key.Did.Compressed)}", output);
    }
}
