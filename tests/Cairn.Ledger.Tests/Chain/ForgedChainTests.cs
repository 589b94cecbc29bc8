using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Ledger.Storage;
using Cairn.Market;
using Cairn.Multiformats;
using static Cairn.Ledger.Tests.Parties;

namespace Cairn.Ledger.Tests.Chain;

/// <summary>Blocks written straight to the store, as a buggy or malicious producer would: verify must catch them.</summary>
public sealed class ForgedChainTests : IDisposable
{
    private readonly Parties _p = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _p.Dispose();
        _dir.Dispose();
    }

    private string DbPath => _dir.Combine("ledger.db");

    private async Task<LedgerHead> GenesisAsync()
    {
        await using var ledger = _p.Open(DbPath);
        return await ledger.GetHeadAsync(CancellationToken.None);
    }

    private void AppendBlock(LedgerHead parent, IReadOnlyList<SignedTransaction> txs, LedgerKey signer, Func<byte[], byte[]>? rootOverride = null)
    {
        var state = _p.NewState();
        var commitment = new StateCommitment();
        commitment.Update(state, state.TakeDirty());
        var time = parent.Time + 1;
        foreach (var tx in txs)
        {
            try
            {
                MarketRules.Apply(state, tx.Body, time);
            }
            catch (RuleViolation)
            {
                // A malicious producer includes it anyway.
            }
        }

        var root = commitment.Update(state, state.TakeDirty());
        root = rootOverride?.Invoke(root) ?? root;
        var stored = txs.Select(tx =>
        {
            var data = TransactionCodec.Encode(tx);
            return new StoredTx(TransactionCodec.IdOf(data), tx.Body.Type, tx.Body.From, data, [tx.Body.From]);
        }).ToList();
        var block = BlockCodec.Sign(new Block(parent.Height + 1, parent.Block, time, stored.Select(s => s.Cid).ToList(), root, signer.Did.Text, null, default), signer);
        var blockData = BlockCodec.Encode(block);
        using var store = LedgerStore.Open(DbPath);
        store.Append(block.Height, BlockCodec.IdOf(blockData), time, blockData, stored);
    }

    [Fact(Timeout = 60_000)]
    public async Task HonestBlockWrittenByHand_Verifies()
    {
        var head = await GenesisAsync();
        AppendBlock(head, [_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 5L)))], _p.Producer);
        var r = EmbeddedLedger.Verify(DbPath, CancellationToken.None);
        Assert.True(r.Ok, r.Reason);
    }

    [Fact(Timeout = 60_000)]
    public async Task BlockWithARuleBreakingTransaction_IsNamed()
    {
        var head = await GenesisAsync();
        AppendBlock(head, [_p.SignTx(_p.Bob, TxTypes.Transfer, P(("to", _p.Alice.Did.Text), ("amount", 5L)))], _p.Producer);
        var r = EmbeddedLedger.Verify(DbPath, CancellationToken.None);
        Assert.Equal(1, r.BadHeight);
        Assert.Contains("breaks a rule", r.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task BlockWithAWrongStateRoot_IsNamed()
    {
        var head = await GenesisAsync();
        AppendBlock(head, [_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 5L)))], _p.Producer, root =>
        {
            root[0] ^= 1;
            return root;
        });
        var r = EmbeddedLedger.Verify(DbPath, CancellationToken.None);
        Assert.Equal(1, r.BadHeight);
        Assert.Contains("state root", r.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task BlockByAnotherProducer_IsNamed()
    {
        var head = await GenesisAsync();
        using var mallory = LedgerKey.Generate();
        AppendBlock(head, [_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 5L)))], mallory);
        var r = EmbeddedLedger.Verify(DbPath, CancellationToken.None);
        Assert.Equal(1, r.BadHeight);
        Assert.Contains("not the genesis producer", r.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task TransactionWithABadSignature_IsNamed()
    {
        var head = await GenesisAsync();
        var tx = _p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 5L)));
        AppendBlock(head, [tx with { Signature = P256.Twin(tx.Signature.Span) }], _p.Producer);
        var r = EmbeddedLedger.Verify(DbPath, CancellationToken.None);
        Assert.Equal(1, r.BadHeight);
        Assert.Contains("signature", r.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task BlockWithATransactionForAnotherChain_IsNamed()
    {
        var head = await GenesisAsync();
        var otherChain = BlockCodec.IdOf("another ledger's genesis"u8);
        var tx = TransactionCodec.Sign(_p.Body(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 5L))) with { Chain = null }, otherChain, _p.Alice);
        AppendBlock(head, [tx], _p.Producer);
        var r = EmbeddedLedger.Verify(DbPath, CancellationToken.None);
        Assert.False(r.Ok);
        Assert.Equal(1, r.BadHeight);
        Assert.Contains($"for chain {otherChain} on chain {r.Genesis}", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TransactionCodec_WithoutChain_IsRejected()
    {
        // A transaction as it was signed before chain ids existed: valid signature, no chain field.
        var map = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = TxTypes.Transfer,
            ["from"] = _p.Alice.Did.Text,
            ["nonce"] = 0L,
            ["payload"] = P(("to", _p.Bob.Did.Text), ("amount", 5L)),
        };
        map["sig"] = _p.Alice.Sign(Cairn.Content.DagCbor.DagCbor.Encode(map));
        var data = Cairn.Content.DagCbor.DagCbor.Encode(map);
        var e = Assert.Throws<CairnException>(() => TransactionCodec.Decode(data, out _));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains("chain", e.Message, StringComparison.Ordinal);

        map["chain"] = "not a link";
        Assert.ThrowsAny<CairnException>(() => TransactionCodec.Decode(Cairn.Content.DagCbor.DagCbor.Encode(map), out _));
    }

    [Fact]
    public void TransactionCodec_UnsignedBodyWithoutChain_CannotBeEncoded()
    {
        var body = MarketTransactions.Transfer(_p.Alice.Did.Text, 0, _p.Bob.Did.Text, 5);
        Assert.Null(body.Chain);
        var e = Assert.Throws<CairnException>(() => TransactionCodec.SigningBytes(body));
        Assert.Contains("names no chain", e.Message, StringComparison.Ordinal);
        var signed = TransactionCodec.Sign(body, _p.Chain, _p.Alice);
        Assert.Equal(_p.Chain, signed.Body.Chain);
        Assert.Throws<CairnException>(() => TransactionCodec.Sign(signed.Body, BlockCodec.IdOf("elsewhere"u8), _p.Alice));
    }

    [Fact]
    public void TransactionCodec_SigningBytesFromTheWire_EqualTheBodyEncoding()
    {
        var tx = _p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 5L)), fee: 2, expires: 99);
        var data = TransactionCodec.Encode(tx);
        var decoded = TransactionCodec.Decode(data, out var signingBytes);
        Assert.Equal(TransactionCodec.SigningBytes(tx.Body), signingBytes);
        Assert.Equal(data, TransactionCodec.Encode(decoded));
        Assert.True(TransactionCodec.VerifySignature(decoded, signingBytes));
        Assert.Equal(Cid.Compute(1, Multicodec.DagCbor, data), TransactionCodec.IdOf(data));
    }
}
