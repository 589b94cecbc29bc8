namespace Cairn.Market;

/// <summary>A committed transaction: its CID (text) and the height of the block holding it.</summary>
/// <param name="TxCid">The transaction's CID.</param>
/// <param name="Height">The block height, or -1 when the call found the effect already on the ledger and sent nothing.</param>
public sealed record MarketTx(string TxCid, long Height);
