using Cairn.Multiformats;

namespace Cairn.Compute.Receipts;

/// <summary>One input of a receipt: where it was mounted and what it was.</summary>
/// <param name="Target">The path the task saw it at.</param>
/// <param name="Cid">Its content.</param>
public sealed record ReceiptInput(string Target, Cid Cid);
