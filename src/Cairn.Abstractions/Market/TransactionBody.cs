using Cairn.Multiformats;

namespace Cairn.Market;

/// <summary>
/// The signed part of a ledger transaction: <c>{type, chain, from, nonce, payload, fee?, expires?}</c>.
/// The payload is an IPLD map (values: long, string, bool, byte[], Cid, lists and maps of them)
/// whose fields each transaction type defines (docs/ledger.md).
/// </summary>
/// <param name="Type">The transaction type (see <see cref="TxTypes"/>).</param>
/// <param name="From">The sender's did:key.</param>
/// <param name="Nonce">The sender's next nonce (0 for its first transaction).</param>
/// <param name="Payload">The type's fields.</param>
/// <param name="Fee">An optional fee paid to the treasury.</param>
/// <param name="Expires">An optional deadline (Unix milliseconds): not valid in a later block.</param>
/// <param name="Chain">
/// The chain the transaction is for (the ledger's genesis block CID, <see cref="ILedger.Chain"/>), so
/// a transaction signed for one chain cannot be replayed on another. Required on the wire; builders
/// leave it null and signing fills it in.
/// </param>
public sealed record TransactionBody(
    string Type,
    string From,
    long Nonce,
    IReadOnlyDictionary<string, object?> Payload,
    long? Fee = null,
    long? Expires = null,
    Cid? Chain = null);
