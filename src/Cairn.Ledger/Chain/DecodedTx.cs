using Cairn.Ledger.Storage;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Chain;

/// <summary>A stored transaction row on its way through replay.</summary>
internal sealed class DecodedTx(StoredTxRow row, Cid cid)
{
    public StoredTxRow Row { get; } = row;

    /// <summary>The CID the block lists for this position.</summary>
    public Cid Cid { get; } = cid;

    public SignedTransaction Tx { get; private set; } = null!;

    /// <summary>Re-hashes and decodes the row; returns what is wrong, or null.</summary>
    public string? Check(bool verifySignature)
    {
        var actual = TransactionCodec.IdOf(Row.Data);
        if (actual != Cid)
        {
            return $"the stored bytes hash to {actual}, not to the CID the block lists";
        }

        if (!actual.Bytes.SequenceEqual(Row.Cid))
        {
            return "the CID stored with the transaction differs from its bytes' CID";
        }

        byte[] signingBytes;
        try
        {
            Tx = TransactionCodec.Decode(Row.Data, out signingBytes);
        }
        catch (Exception e) when (e is CairnException or ArgumentException or InvalidOperationException or OverflowException or FormatException)
        {
            // Corrupt bytes must come out as a finding, whatever the decoder tripped over.
            return e.Message;
        }

        if (Tx.Body.Type != Row.Type || Tx.Body.From != Row.Sender)
        {
            return "the stored type or sender columns differ from the transaction";
        }

        if (verifySignature && !TransactionCodec.VerifySignature(Tx, signingBytes))
        {
            return $"the signature by {Tx.Body.From} does not verify (or is high-S)";
        }

        return null;
    }
}
