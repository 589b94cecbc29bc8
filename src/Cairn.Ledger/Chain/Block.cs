using Cairn.Ledger.State;
using Cairn.Multiformats;

namespace Cairn.Ledger.Chain;

/// <summary>
/// A ledger block: <c>{height, parent, time, txs, stateRoot, producer, genesis?, sig}</c> in DAG-CBOR.
/// The producer signs the map without <c>sig</c>; the block's id is the CID of the signed map.
/// Block 0 has no parent and no transactions and carries the <see cref="GenesisConfig"/>.
/// </summary>
/// <param name="Height">0 for genesis, then +1 per block.</param>
/// <param name="Parent">The previous block's CID (null for genesis).</param>
/// <param name="Time">Unix milliseconds, never below the parent's.</param>
/// <param name="Txs">The transactions' CIDs in the order they were applied.</param>
/// <param name="StateRoot">The state root after applying them (32 bytes).</param>
/// <param name="Producer">The did:key of the signer.</param>
/// <param name="Genesis">The genesis configuration (block 0 only).</param>
/// <param name="Signature">ES256 by the producer.</param>
public sealed record Block(
    long Height,
    Cid? Parent,
    long Time,
    IReadOnlyList<Cid> Txs,
    ReadOnlyMemory<byte> StateRoot,
    string Producer,
    GenesisConfig? Genesis,
    ReadOnlyMemory<byte> Signature);
