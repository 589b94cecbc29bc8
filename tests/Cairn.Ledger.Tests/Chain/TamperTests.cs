using Cairn.Ledger.Chain;
using Cairn.Market;
using Microsoft.Data.Sqlite;
using static Cairn.Ledger.Tests.Parties;

namespace Cairn.Ledger.Tests.Chain;

/// <summary>Edits the stored ledger behind the ledger's back; verify must name the damaged height.</summary>
public sealed class TamperTests : IDisposable
{
    private readonly Parties _p = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _p.Dispose();
        _dir.Dispose();
    }

    private string DbPath => _dir.Combine("ledger.db");

    /// <summary>Five blocks of four transfers each (heights 1–5) after genesis.</summary>
    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        await using var ledger = _p.Open(DbPath, new LedgerOptions { MaxBlockTransactions = 4, BlockInterval = TimeSpan.FromSeconds(10) });
        for (var b = 0; b < 5; b++)
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                ledger.SubmitAsync(_p.SignTx(_p.Alice, TxTypes.Transfer, P(("to", _p.Bob.Did.Text), ("amount", 3L))), cancellationToken).AsTask()));
        }

        Assert.Equal(5, (await ledger.GetHeadAsync(cancellationToken)).Height);
    }

    private void Sql(string sql)
    {
        using var c = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private byte[] Blob(string sql)
    {
        using var c = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (byte[])cmd.ExecuteScalar()!;
    }

    /// <summary>
    /// Flips one byte of the file inside the stored bytes of <paramref name="blob"/>, in every copy:
    /// SQLite's free pages may still hold stale copies, and only the live one matters.
    /// </summary>
    private void FlipInFile(byte[] blob, int offsetInBlob)
    {
        var file = File.ReadAllBytes(DbPath);
        var needle = blob.AsSpan(0, Math.Min(blob.Length, 48)).ToArray();
        var found = 0;
        for (var start = 0; ;)
        {
            var at = file.AsSpan(start).IndexOf(needle);
            if (at < 0)
            {
                break;
            }

            file[start + at + offsetInBlob] ^= 0x01;
            start += at + 1;
            found++;
        }

        Assert.True(found > 0, "the blob was not found in the file");
        File.WriteAllBytes(DbPath, file);
    }

    private VerifyReport Verify() => EmbeddedLedger.Verify(DbPath, CancellationToken.None);

    [Fact(Timeout = 60_000)]
    public async Task Verify_Untouched_IsOk()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        var r = Verify();
        Assert.True(r.Ok, r.Reason);
        Assert.Equal(6, r.Blocks);
        Assert.Equal(20, r.Transactions);
    }

    [Fact(Timeout = 60_000)]
    public async Task FlipAnyByteOfATransaction_NamesItsHeight()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        var tx = Blob("SELECT data FROM txs WHERE height = 3 AND idx = 2");
        var original = File.ReadAllBytes(DbPath);
        for (var offset = 0; offset < tx.Length; offset++)
        {
            File.WriteAllBytes(DbPath, original);
            FlipInFile(tx, offset);
            var r = Verify();
            Assert.False(r.Ok, $"flip at {offset} went unnoticed");
            Assert.Equal(3, r.BadHeight);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task FlipAnyByteOfABlock_NamesItsHeight()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        var block = Blob("SELECT data FROM blocks WHERE height = 4");
        var original = File.ReadAllBytes(DbPath);
        for (var offset = 0; offset < block.Length; offset++)
        {
            File.WriteAllBytes(DbPath, original);
            FlipInFile(block, offset);
            var r = Verify();
            Assert.False(r.Ok, $"flip at {offset} went unnoticed");
            Assert.Equal(4, r.BadHeight);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task DropABlock_NamesTheMissingHeight()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        Sql("DELETE FROM blocks WHERE height = 2");
        var r = Verify();
        Assert.Equal(2, r.BadHeight);
        Assert.Contains("missing", r.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task DropTheLastBlockAndItsTransactions_StillVerifiesAsAShorterChain()
    {
        // Truncation at the end is indistinguishable from a ledger that stopped earlier: verify
        // reports the head it reached so it can be compared with a head known from elsewhere.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        Sql("DELETE FROM blocks WHERE height = 5; DELETE FROM txs WHERE height = 5;");
        var r = Verify();
        Assert.True(r.Ok, r.Reason);
        Assert.Equal(5, r.Blocks);
    }

    [Fact(Timeout = 60_000)]
    public async Task DropATransaction_NamesItsHeight()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        Sql("DELETE FROM txs WHERE height = 5 AND idx = 3");
        var r = Verify();
        Assert.Equal(5, r.BadHeight);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReorderTransactionsWithinABlock_NamesItsHeight()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        Sql("UPDATE txs SET idx = -1 WHERE height = 2 AND idx = 0; UPDATE txs SET idx = 0 WHERE height = 2 AND idx = 1; UPDATE txs SET idx = 1 WHERE height = 2 AND idx = -1;");
        var r = Verify();
        Assert.Equal(2, r.BadHeight);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReorderStoredRowsKeepingTheirIndexes_NamesItsHeight()
    {
        // Replay reads rows in storage (rowid) order: two rows of a block swapped there, each keeping
        // its own idx, must be caught too.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        Sql("""
            CREATE TEMP TABLE s AS SELECT
                (SELECT seq FROM txs WHERE height = 3 AND idx = 0) AS a,
                (SELECT seq FROM txs WHERE height = 3 AND idx = 1) AS b;
            UPDATE txs SET seq = -1 WHERE seq = (SELECT a FROM s);
            UPDATE txs SET seq = (SELECT a FROM s) WHERE seq = (SELECT b FROM s);
            UPDATE txs SET seq = (SELECT b FROM s) WHERE seq = -1;
            """);
        var r = Verify();
        Assert.False(r.Ok);
        Assert.Equal(3, r.BadHeight);
    }

    [Fact(Timeout = 60_000)]
    public async Task SwapTwoBlocks_NamesTheFirstHeight()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        Sql("""
            UPDATE blocks SET height = -3 WHERE height = 3;
            UPDATE blocks SET height = 3 WHERE height = 4;
            UPDATE blocks SET height = 4 WHERE height = -3;
            """);
        var r = Verify();
        Assert.Equal(3, r.BadHeight);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReplaceATransactionWithAnotherValidlySigned_NamesItsHeight()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await BuildAsync(cts.Token);
        // Alice really signs a different transfer with the same nonce; the attacker swaps it in, CID column and all.
        var stored = TransactionCodec.Decode(Blob("SELECT data FROM txs WHERE height = 1 AND idx = 0"), out _);
        var forged = TransactionCodec.Sign(stored.Body with { Payload = P(("to", _p.Bob.Did.Text), ("amount", 90_000L)) }, stored.Body.Chain!, _p.Alice);
        var data = TransactionCodec.Encode(forged);
        using (var c = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE txs SET data = $d, cid = $c WHERE height = 1 AND idx = 0";
            cmd.Parameters.AddWithValue("$d", data);
            cmd.Parameters.AddWithValue("$c", TransactionCodec.IdOf(data).ToArray());
            cmd.ExecuteNonQuery();
        }

        var r = Verify();
        Assert.Equal(1, r.BadHeight);
        Assert.Contains("CID the block lists", r.Reason, StringComparison.Ordinal);
    }
}
