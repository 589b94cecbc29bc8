using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Storage;

/// <summary>Event-shaped reads over the store's indexes.</summary>
internal static class LedgerQueries
{
    public static List<LedgerEvent> Events(LedgerStore store, long fromHeight, long toHeight)
    {
        var blocks = new Dictionary<long, (Cid Cid, long Time)>();
        var result = new List<LedgerEvent>();
        foreach (var row in store.Transactions(fromHeight))
        {
            if (row.Height > toHeight)
            {
                break;
            }

            result.Add(ToEvent(store, row, blocks));
        }

        return result;
    }

    public static List<LedgerEvent> History(LedgerStore store, string account, int limit)
    {
        var blocks = new Dictionary<long, (Cid Cid, long Time)>();
        return store.History(account, limit).Select(row => ToEvent(store, row, blocks)).ToList();
    }

    private static LedgerEvent ToEvent(LedgerStore store, StoredTxRow row, Dictionary<long, (Cid Cid, long Time)> blocks)
    {
        if (!blocks.TryGetValue(row.Height, out var block))
        {
            var data = store.Block(row.Height) ?? throw new CairnException(ErrorCode.IntegrityViolation, $"Block {row.Height} is missing.");
            var decoded = Chain.BlockCodec.Decode(data);
            block = (Chain.BlockCodec.IdOf(data), decoded.Time);
            blocks[row.Height] = block;
        }

        return new LedgerEvent(row.Height, row.Index, block.Cid, Cid.FromBytes(row.Cid), row.Type, row.Sender, block.Time);
    }
}
