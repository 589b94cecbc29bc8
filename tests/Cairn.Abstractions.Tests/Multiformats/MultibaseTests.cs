using System.Text.Json;
using Cairn.Multiformats;
using Cairn.Tests.Shared;
using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Abstractions.Tests.Multiformats;

public class MultibaseTests
{
    private static readonly Gen<byte[]> Bytes = Gen.OneOf(
        ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null),
        Gen.Choose(0, 4).SelectMany(zeros => ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null).Select(b => new byte[zeros].Concat(b).ToArray())));

    [Theory]
    [InlineData(MultibaseEncoding.Base32Lower)]
    [InlineData(MultibaseEncoding.Base32Upper)]
    [InlineData(MultibaseEncoding.Base58Btc)]
    [InlineData(MultibaseEncoding.Base16Lower)]
    public void EncodeDecode_AnyBytes_RoundTrips(MultibaseEncoding encoding)
    {
        Prop.ForAll(Bytes.ToArbitrary(), bytes =>
        {
            var text = Multibase.Encode(bytes, encoding);
            var back = Multibase.Decode(text, out var detected);
            return detected == encoding && back.AsSpan().SequenceEqual(bytes);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Base32AndBase58_AnyBytes_DecodeToTheSameBytesAsEachOther()
    {
        Prop.ForAll(Bytes.ToArbitrary(), bytes =>
        {
            var via32 = Multibase.Decode(Multibase.Encode(bytes, MultibaseEncoding.Base32Lower), out _);
            var via58 = Multibase.Decode(Multibase.Encode(via32, MultibaseEncoding.Base58Btc), out _);
            var upper = Multibase.Decode(Multibase.Encode(via58, MultibaseEncoding.Base32Upper), out _);
            var upperText = Multibase.Encode(bytes, MultibaseEncoding.Base32Upper)[1..];
            var lowerText = Multibase.Encode(bytes, MultibaseEncoding.Base32Lower)[1..];
            return upper.AsSpan().SequenceEqual(bytes)
                && string.Equals(upperText, lowerText, StringComparison.OrdinalIgnoreCase)
                && !upperText.Any(char.IsLower);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("b", "")]
    [InlineData("ba", "cannot encode whole bytes")]
    [InlineData("bab", "non-zero padding bits")]
    [InlineData("bme1a", "alphabet")]
    [InlineData("z0", "alphabet")]
    [InlineData("zl", "alphabet")]
    [InlineData("f0", "odd number")]
    [InlineData("fzz", "base16")]
    [InlineData("mAAAA", "prefix")]
    [InlineData("", "empty")]
    public void Decode_Malformed_IsRejectedWithReason(string text, string reason)
    {
        if (text == "b")
        {
            Assert.Empty(Multibase.Decode(text, out _));
            return;
        }

        var e = Assert.Throws<CairnException>(() => Multibase.Decode(text, out _));
        Assert.Contains(reason, e.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Encode_RandomBytes_MatchesReferenceMultiformats()
    {
        var random = new Random(7);
        var inputs = Enumerable.Range(0, 300).Select(i =>
        {
            var b = new byte[random.Next(i < 10 ? 3 : 70)];
            random.NextBytes(b);
            if (i % 5 == 0 && b.Length > 2)
            {
                b[0] = 0;
                b[1] = (byte)(i % 2 == 0 ? 0 : b[1]);
            }

            return b;
        }).ToList();
        var stdin = JsonSerializer.SerializeToUtf8Bytes(new { bytes = inputs.Select(Convert.ToHexString), cids = Array.Empty<string>() });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var output = await NodeOracle.RunAsync("dagcbor-multiformats-oracle.mjs", [], timeout.Token, stdin);
        using var doc = JsonDocument.Parse(output);
        var b32 = doc.RootElement.GetProperty("base32").EnumerateArray().Select(e => e.GetString()).ToList();
        var b58 = doc.RootElement.GetProperty("base58btc").EnumerateArray().Select(e => e.GetString()).ToList();
        for (var i = 0; i < inputs.Count; i++)
        {
            Assert.Equal(b32[i], Multibase.Encode(inputs[i], MultibaseEncoding.Base32Lower));
            Assert.Equal(b58[i], Multibase.Encode(inputs[i], MultibaseEncoding.Base58Btc));
            Assert.Equal(inputs[i], Multibase.Decode(b58[i]!, out _));
        }
    }
}
