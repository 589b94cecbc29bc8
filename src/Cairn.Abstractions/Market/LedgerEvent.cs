using Cairn.Multiformats;

namespace Cairn.Market;

/// <summary>A committed transaction, as seen by followers of the ledger.</summary>
/// <param name="Height">The block height.</param>
/// <param name="Index">The position in the block.</param>
/// <param name="Block">The block's CID.</param>
/// <param name="Tx">The transaction's CID.</param>
/// <param name="Type">The transaction type.</param>
/// <param name="From">The sender.</param>
/// <param name="Time">The block time, Unix milliseconds.</param>
public sealed record LedgerEvent(long Height, int Index, Cid Block, Cid Tx, string Type, string From, long Time);
