using Cairn.Multiformats;

namespace Cairn.Market;

/// <summary>The last durable block.</summary>
/// <param name="Height">Its height (genesis is 0).</param>
/// <param name="Block">Its CID.</param>
/// <param name="StateRoot">The state root after it (32 bytes, SHA-256).</param>
/// <param name="Time">Its time, Unix milliseconds.</param>
public sealed record LedgerHead(long Height, Cid Block, ReadOnlyMemory<byte> StateRoot, long Time);
