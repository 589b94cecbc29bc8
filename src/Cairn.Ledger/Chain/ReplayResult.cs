using Cairn.Ledger.State;
using Cairn.Multiformats;

namespace Cairn.Ledger.Chain;

/// <summary>What a replay found: the state at the last good block, and the first bad height with the reason.</summary>
internal sealed record ReplayResult(
    MarketState? State,
    StateCommitment Commitment,
    Block? Head,
    Cid? HeadCid,
    Cid? GenesisCid,
    long Blocks,
    long Transactions,
    long? BadHeight,
    string? Reason)
{
    public bool Ok => BadHeight is null;
}
