using System.Text.Json;
using Cairn.Compute.Receipts;
using Cairn.Content.DagCbor;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;
using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Compute.Tests.Receipts;

/// <summary>Receipts: canonical DAG-CBOR checked by the reference @ipld/dag-cbor, signatures, tampering.</summary>
public sealed class ReceiptCodecTests
{
    private static readonly Cid Out = Cid.Compute(1, Multicodec.DagPb, "output"u8);
    private static readonly Cid Log = Cid.Compute(1, Multicodec.Raw, "stdout"u8);

    [Fact]
    public void Decode_WhatEncodeWrote_GivesTheSameReceiptAndVerifies()
    {
        using var key = LedgerKey.Generate();
        var receipt = Sample(key, error: "wasm trap: unreachable in function f", deal: "deal-1");
        var bytes = ReceiptCodec.Encode(receipt, key, out var signed);
        var decoded = ReceiptCodec.DecodeVerified(bytes);
        Assert.Equal(signed.Cid, decoded.Cid);
        Assert.Equal(Cid.Compute(1, Multicodec.DagCbor, bytes), decoded.Cid);
        Assert.Equivalent(receipt, decoded.Receipt, strict: true);
        Assert.True(ReceiptCodec.Verify(decoded));
    }

    [Fact]
    public void Decode_OptionalFieldsAbsent_AreLeftOutOfTheMap()
    {
        using var key = LedgerKey.Generate();
        var receipt = Sample(key) with { Module = null };
        var map = (Dictionary<string, object?>)DagCbor.Decode(ReceiptCodec.Encode(receipt, key, out _))!;
        Assert.False(map.ContainsKey("module"));
        Assert.False(map.ContainsKey("error"));
        Assert.False(map.ContainsKey("deal"));
        Assert.Null(ReceiptCodec.DecodeVerified(DagCbor.Encode(map)).Receipt.Module);
    }

    [Fact]
    public void DecodeVerified_AFieldChangedAfterSigning_IsAnIntegrityViolation()
    {
        using var key = LedgerKey.Generate();
        var map = (Dictionary<string, object?>)DagCbor.Decode(ReceiptCodec.Encode(Sample(key), key, out _))!;
        foreach (var (field, value) in new (string, object?)[] { ("exitCode", 0L), ("stdout", Out), ("usage", new Dictionary<string, object?> { ["fuel"] = 1L, ["cpuMillis"] = 2L, ["gbMillis"] = 3L }), ("job", "j-other") })
        {
            var tampered = new Dictionary<string, object?>(map, StringComparer.Ordinal) { [field] = value };
            var bytes = DagCbor.Encode(tampered);
            Assert.False(ReceiptCodec.Verify(ReceiptCodec.Decode(bytes)));
            var e = Assert.Throws<CairnException>(() => ReceiptCodec.DecodeVerified(bytes));
            Assert.Equal(ErrorCode.IntegrityViolation, e.Code);
        }
    }

    [Fact]
    public void DecodeVerified_SignedByAnotherKey_IsAnIntegrityViolation()
    {
        using var node = LedgerKey.Generate();
        using var impostor = LedgerKey.Generate();
        var map = (Dictionary<string, object?>)DagCbor.Decode(ReceiptCodec.Encode(Sample(node), node, out _))!;
        map["sig"] = impostor.Sign(ReceiptCodec.SigningBytes(Sample(node)));
        Assert.Equal(ErrorCode.IntegrityViolation, Assert.Throws<CairnException>(() => ReceiptCodec.DecodeVerified(DagCbor.Encode(map))).Code);
    }

    [Fact]
    public void DecodeVerified_AnyFlippedBit_IsRejected()
    {
        using var key = LedgerKey.Generate();
        var bytes = ReceiptCodec.Encode(Sample(key, deal: "d"), key, out _);
        Prop.ForAll(Gen.Choose(0, bytes.Length * 8 - 1).ToArbitrary(), bit =>
        {
            var copy = (byte[])bytes.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            try
            {
                ReceiptCodec.DecodeVerified(copy);
                return false;
            }
            catch (CairnException e)
            {
                return e.Code is ErrorCode.InvalidInput or ErrorCode.IntegrityViolation;
            }
        }).QuickCheckThrowOnFailure();
        Assert.Equal(ErrorCode.InvalidInput, Assert.Throws<CairnException>(() => ReceiptCodec.Decode(Encoded(key, 1L << 40))).Code);
    }

    [Theory]
    [InlineData("extra", "unknown field \"extra\"")]
    [InlineData("-stdout", "field \"stdout\" is missing")]
    [InlineData("v=2", "version 2 is not supported")]
    [InlineData("exitCode=text", "field \"exitCode\" must be an integer")]
    [InlineData("sig=short", "field \"sig\" must be 64 bytes")]
    public void Decode_MalformedReceipt_SaysWhichField(string change, string expected)
    {
        using var key = LedgerKey.Generate();
        var map = (Dictionary<string, object?>)DagCbor.Decode(ReceiptCodec.Encode(Sample(key), key, out _))!;
        switch (change)
        {
            case "extra": map["extra"] = 1L; break;
            case "-stdout": map.Remove("stdout"); break;
            case "v=2": map["v"] = 2L; break;
            case "exitCode=text": map["exitCode"] = "0"; break;
            case "sig=short": map["sig"] = new byte[10]; break;
        }

        var e = Assert.Throws<CairnException>(() => ReceiptCodec.Decode(DagCbor.Encode(map)));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_WithAKeyThatIsNotTheReceiptsNode_IsRefused()
    {
        using var node = LedgerKey.Generate();
        using var other = LedgerKey.Generate();
        Assert.Throws<CairnException>(() => ReceiptCodec.Encode(Sample(node), other, out _));
    }

    [Fact(Timeout = 60_000)]
    public async Task Encode_ReferenceDagCbor_ReEncodesByteForByteAndVerifiesTheSignature()
    {
        using var key = LedgerKey.Generate();
        foreach (var receipt in new[] { Sample(key), Sample(key, error: "out of fuel (limit 1,000)", deal: "deal-42") with { ExitCode = 134, Inputs = [] } })
        {
            var bytes = ReceiptCodec.Encode(receipt, key, out var signed);
            var json = await NodeOracle.RunAsync("compute-receipt.mjs", [], new CancellationTokenSource(TimeSpan.FromSeconds(50)).Token, bytes);
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            Assert.Equal(Convert.ToBase64String(bytes), root.GetProperty("reencoded").GetString());
            Assert.Equal(signed.Cid.ToString(), root.GetProperty("cid").GetString());
            Assert.True(root.GetProperty("signatureValid").GetBoolean());
            Assert.Equal(key.Did.Text, root.GetProperty("node").GetString());
            Assert.Equal(receipt.ExitCode, root.GetProperty("exitCode").GetInt32());
            Assert.Equal(Log.ToString(), root.GetProperty("stdout").GetString());
            Assert.Equal(Out.ToString(), root.GetProperty("outputs")[0].GetProperty("cid").GetString());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Oracle_TamperedReceipt_HasAnInvalidSignatureThere()
    {
        // The oracle's signature check can fail: a receipt altered after signing is rejected by Node's crypto too.
        using var key = LedgerKey.Generate();
        var map = (Dictionary<string, object?>)DagCbor.Decode(ReceiptCodec.Encode(Sample(key), key, out _))!;
        map["exitCode"] = 0L;
        var json = await NodeOracle.RunAsync("compute-receipt.mjs", [], new CancellationTokenSource(TimeSpan.FromSeconds(50)).Token, DagCbor.Encode(map));
        using var doc = JsonDocument.Parse(json);
        Assert.False(doc.RootElement.GetProperty("signatureValid").GetBoolean());
    }

    private static byte[] Encoded(LedgerKey key, long exitCode)
    {
        var map = (Dictionary<string, object?>)DagCbor.Decode(ReceiptCodec.Encode(Sample(key), key, out _))!;
        map["exitCode"] = exitCode;
        return DagCbor.Encode(map);
    }

    private static Receipt Sample(LedgerKey key, string? error = null, string? deal = null) => new()
    {
        Job = "j-123",
        Execution = "e-456",
        Node = key.Did.Text,
        Engine = "wasm",
        Module = Cid.Compute(1, Multicodec.Raw, "\0asm"u8),
        Inputs = [new ReceiptInput("/inputs", Cid.Compute(1, Multicodec.DagPb, "in"u8)), new ReceiptInput("/extra/file.txt", Cid.Compute(1, Multicodec.Raw, "f"u8))],
        Outputs = [new ReceiptOutput("out", Out)],
        Stdout = Log,
        Stderr = Cid.Compute(1, Multicodec.Raw, ""u8),
        ExitCode = 7,
        Error = error,
        Usage = new Usage(123_456_789, 250, 3),
        Deal = deal,
        StartedAt = 1_763_000_000_000,
        FinishedAt = 1_763_000_000_250,
    };
}
