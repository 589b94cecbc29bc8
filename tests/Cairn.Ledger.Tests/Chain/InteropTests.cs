using Cairn.Ledger.Chain;
using Cairn.Market;
using Cairn.Multiformats;
using Cairn.Tests.Shared;
using static Cairn.Ledger.Tests.Parties;

namespace Cairn.Ledger.Tests.Chain;

/// <summary>Transactions and blocks are plain IPLD: the reference @ipld/dag-cbor reads them and agrees on their CIDs.</summary>
public sealed class InteropTests : IDisposable
{
    private readonly Parties _p = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _p.Dispose();
        _dir.Dispose();
    }

    [Fact(Timeout = 60_000)]
    public async Task Transaction_ReferenceDecoderReencodesIdentically_SameCid()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var usage = new Usage(12_345_678, 9, 0);
        List<Cid> results = [Cid.Compute(1, Multicodec.Raw, "a"u8), Cid.Compute(1, Multicodec.DagPb, "b"u8)];
        var tx = _p.SignTx(_p.Orchestrator, TxTypes.DealSettle, P(("id", "d-1"), ("usage", UsageReports.UsageMap(usage)), ("results", results), ("report", new byte[64])), fee: 7, expires: 1_800_000_000_000);
        var data = TransactionCodec.Encode(tx);
        var output = await NodeOracle.RunAsync("ledger-block.mjs", [Convert.ToHexStringLower(data)], cts.Token);
        // The chain is an IPLD link to the genesis block, not a string the reference decoder cannot follow.
        Assert.Equal($"{TransactionCodec.IdOf(data)} identical chain,expires,fee,from,nonce,payload,sig,type chain={_p.Chain}", output);
    }

    [Fact(Timeout = 60_000)]
    public async Task CommittedTransaction_ReferenceDecoderSeesChainLink_ToGenesisBlock()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var db = _dir.Combine("ledger.db");
        Cid genesis;
        TxReceipt receipt;
        byte[] data;
        await using (var ledger = _p.Open(db))
        {
            genesis = ledger.Chain;
            receipt = await ledger.SubmitAsync(_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 3L))), cts.Token);
            data = (await ledger.GetTransactionBytesAsync(receipt.TxId, cts.Token))!;
        }

        Assert.Equal(LedgerSnapshot.Find(db, "0")!.Value.Cid, genesis);
        var output = await NodeOracle.RunAsync("ledger-block.mjs", [Convert.ToHexStringLower(data)], cts.Token);
        Assert.Equal($"{receipt.TxId} identical chain,from,nonce,payload,sig,type chain={genesis}", output);
    }

    [Fact(Timeout = 60_000)]
    public async Task Block_ReferenceDecoderReencodesIdentically_SameCid()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var db = _dir.Combine("ledger.db");
        await using (var ledger = _p.Open(db))
        {
            await ledger.SubmitAsync(_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 3L))), cts.Token);
        }

        foreach (var height in new[] { "0", "1" })
        {
            var found = LedgerSnapshot.Find(db, height)!.Value;
            var data = Cairn.Content.DagCbor.DagCbor.Encode(found.Value);
            var output = await NodeOracle.RunAsync("ledger-block.mjs", [Convert.ToHexStringLower(data)], cts.Token);
            var keys = height == "0" ? "genesis,height,parent,producer,sig,stateRoot,time,txs" : "height,parent,producer,sig,stateRoot,time,txs";
            Assert.Equal($"{found.Cid} identical {keys}", output);
        }
    }
}
