using Cairn.Multiformats;

namespace Cairn.Compute.Receipts;

/// <summary>One published result path of a receipt.</summary>
/// <param name="Name">The result path's name in the task.</param>
/// <param name="Cid">The published directory's root.</param>
public sealed record ReceiptOutput(string Name, Cid Cid);
