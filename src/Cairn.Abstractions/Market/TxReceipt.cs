using Cairn.Multiformats;

namespace Cairn.Market;

/// <summary>Where a committed transaction landed.</summary>
/// <param name="TxId">The transaction's CID.</param>
/// <param name="Height">The height of its block.</param>
/// <param name="Block">The CID of its block.</param>
public sealed record TxReceipt(Cid TxId, long Height, Cid Block);
