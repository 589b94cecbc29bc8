using Cairn.Multiformats;

namespace Cairn.Compute.Receipts;

/// <summary>A receipt with its node's signature, as stored.</summary>
/// <param name="Receipt">The attested facts.</param>
/// <param name="Signature">ES256 (64-byte r‖s, low-S) by <see cref="Receipt.Node"/> over the map without <c>sig</c>.</param>
/// <param name="Cid">The CID of the stored block (CIDv1, dag-cbor, sha2-256).</param>
public sealed record SignedReceipt(Receipt Receipt, ReadOnlyMemory<byte> Signature, Cid Cid);
