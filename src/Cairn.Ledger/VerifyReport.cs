using Cairn.Multiformats;

namespace Cairn.Ledger;

/// <summary>The outcome of <c>cairn ledger verify</c>.</summary>
/// <param name="Ok">True when the whole chain replayed cleanly.</param>
/// <param name="Blocks">Blocks that passed.</param>
/// <param name="Transactions">Transactions in them.</param>
/// <param name="Head">The last good block's CID.</param>
/// <param name="Genesis">Block 0's CID (compare it with the chain you expect).</param>
/// <param name="StateRoot">The state root after the last good block, hex.</param>
/// <param name="BadHeight">The first bad height (-1 when the file itself cannot be read).</param>
/// <param name="Reason">What is wrong there.</param>
public sealed record VerifyReport(
    bool Ok,
    long Blocks,
    long Transactions,
    Cid? Head,
    Cid? Genesis,
    string? StateRoot,
    long? BadHeight,
    string? Reason);
