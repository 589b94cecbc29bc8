using Cairn.Multiformats;

namespace Cairn.Ledger.Storage;

/// <summary>A transaction about to be stored, with the accounts it names (for history queries).</summary>
internal sealed record StoredTx(Cid Cid, string Type, string Sender, byte[] Data, IReadOnlyCollection<string> Accounts);

/// <summary>A stored transaction row.</summary>
internal sealed record StoredTxRow(long Height, int Index, byte[] Cid, string Type, string Sender, byte[] Data);
