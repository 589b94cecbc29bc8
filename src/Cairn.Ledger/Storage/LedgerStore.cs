using Cairn.Multiformats;
using Microsoft.Data.Sqlite;

namespace Cairn.Ledger.Storage;

/// <summary>
/// The ledger's SQLite file. Blocks and transactions are stored as their DAG-CBOR bytes (the
/// ledger data, which verify re-hashes); the other columns are indexes for queries. WAL mode with
/// synchronous=FULL: a block's commit returns only once it is on disk, so a block whose
/// transactions were reported committed survives a crash or power loss, and a crash mid-write
/// leaves no partial block (one SQLite transaction per block).
/// </summary>
internal sealed class LedgerStore : IDisposable
{
    private const int SchemaVersion = 1;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insertBlock;
    private readonly SqliteCommand _insertTx;
    private readonly SqliteCommand _insertAccountTx;

    private LedgerStore(SqliteConnection connection)
    {
        _connection = connection;
        _insertBlock = Command("INSERT INTO blocks(height, cid, time, tx_count, data) VALUES ($h, $c, $t, $n, $d)", "$h", "$c", "$t", "$n", "$d");
        _insertTx = Command("INSERT INTO txs(seq, height, idx, cid, type, sender, data) VALUES ($q, $h, $i, $c, $y, $s, $d)", "$q", "$h", "$i", "$c", "$y", "$s", "$d");
        _insertAccountTx = Command("INSERT OR IGNORE INTO account_txs(account, seq) VALUES ($a, $q)", "$a", "$q");
    }

    public string Path { get; private init; } = string.Empty;

    public static LedgerStore Open(string path, bool readOnly = false)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!readOnly && directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        if (readOnly && !File.Exists(path))
        {
            throw new CairnException(ErrorCode.NotFound, $"No ledger at {path}.")
            {
                Hint = "The ledger file is created by the node that produces blocks (cairn serve), or `cairn ledger init`.",
            };
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout=5000;");
            if (!readOnly)
            {
                Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
                Execute(connection, """
                    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS blocks(
                        height INTEGER PRIMARY KEY,
                        cid BLOB NOT NULL UNIQUE,
                        time INTEGER NOT NULL,
                        tx_count INTEGER NOT NULL,
                        data BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS txs(
                        seq INTEGER PRIMARY KEY,
                        height INTEGER NOT NULL,
                        idx INTEGER NOT NULL,
                        cid BLOB NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        data BLOB NOT NULL);
                    CREATE INDEX IF NOT EXISTS txs_by_height ON txs(height, idx);
                    CREATE TABLE IF NOT EXISTS account_txs(account TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(account, seq)) WITHOUT ROWID;
                    """);
                using var version = connection.CreateCommand();
                version.CommandText = "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', $v)";
                version.Parameters.AddWithValue("$v", SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
                version.ExecuteNonQuery();
            }

            return new LedgerStore(connection) { Path = path };
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new CairnException(ErrorCode.IoError, $"Cannot open the ledger {path}: {e.Message}", e);
        }
    }

    /// <summary>The last stored block's height and bytes, or null for an empty ledger.</summary>
    public (long Height, byte[] Data)? Last()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT height, data FROM blocks ORDER BY height DESC LIMIT 1";
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), (byte[])r[1]) : null;
    }

    /// <summary>Appends one block and its transactions in one durable SQLite transaction.</summary>
    public void Append(long height, Cid cid, long time, byte[] blockData, IReadOnlyList<StoredTx> txs)
    {
        using var transaction = _connection.BeginTransaction();
        _insertBlock.Transaction = transaction;
        _insertTx.Transaction = transaction;
        _insertAccountTx.Transaction = transaction;
        var p = _insertBlock.Parameters;
        p[0].Value = height;
        p[1].Value = cid.ToArray();
        p[2].Value = time;
        p[3].Value = txs.Count;
        p[4].Value = blockData;
        _insertBlock.ExecuteNonQuery();
        var seq = NextSeq(transaction);
        for (var i = 0; i < txs.Count; i++)
        {
            var tx = txs[i];
            var q = _insertTx.Parameters;
            q[0].Value = seq + i;
            q[1].Value = height;
            q[2].Value = i;
            q[3].Value = tx.Cid.ToArray();
            q[4].Value = tx.Type;
            q[5].Value = tx.Sender;
            q[6].Value = tx.Data;
            _insertTx.ExecuteNonQuery();
            foreach (var account in tx.Accounts)
            {
                _insertAccountTx.Parameters[0].Value = account;
                _insertAccountTx.Parameters[1].Value = seq + i;
                _insertAccountTx.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    private long NextSeq(SqliteTransaction transaction)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "SELECT COALESCE(MAX(seq), 0) + 1 FROM txs";
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Blocks in height order, from a height on.</summary>
    public IEnumerable<(long Height, byte[] Cid, byte[] Data)> Blocks(long fromHeight = 0)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT height, cid, data FROM blocks WHERE height >= $h ORDER BY height";
        cmd.Parameters.AddWithValue("$h", fromHeight);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return (r.GetInt64(0), (byte[])r[1], (byte[])r[2]);
        }
    }

    /// <summary>Transactions in (height, index) order, from a height on.</summary>
    public IEnumerable<StoredTxRow> Transactions(long fromHeight = 0)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT height, idx, cid, type, sender, data FROM txs WHERE height >= $h ORDER BY height, idx";
        cmd.Parameters.AddWithValue("$h", fromHeight);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new StoredTxRow(r.GetInt64(0), r.GetInt32(1), (byte[])r[2], r.GetString(3), r.GetString(4), (byte[])r[5]);
        }
    }

    /// <summary>
    /// All transactions in the order they were stored (rowid order: a plain table scan, cheaper than
    /// walking the (height, idx) index). For replay, which checks every row's height and index
    /// against the block that lists it, so a row out of place is caught either way.
    /// </summary>
    public IEnumerable<StoredTxRow> TransactionsInStoredOrder()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT height, idx, cid, type, sender, data FROM txs ORDER BY seq";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new StoredTxRow(r.GetInt64(0), r.GetInt32(1), (byte[])r[2], r.GetString(3), r.GetString(4), (byte[])r[5]);
        }
    }

    public byte[]? Block(long height)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT data FROM blocks WHERE height = $h";
        cmd.Parameters.AddWithValue("$h", height);
        return cmd.ExecuteScalar() as byte[];
    }

    public (long Height, byte[] Data)? BlockByCid(Cid cid)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT height, data FROM blocks WHERE cid = $c";
        cmd.Parameters.AddWithValue("$c", cid.ToArray());
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), (byte[])r[1]) : null;
    }

    public StoredTxRow? TransactionByCid(Cid cid)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT height, idx, cid, type, sender, data FROM txs WHERE cid = $c";
        cmd.Parameters.AddWithValue("$c", cid.ToArray());
        using var r = cmd.ExecuteReader();
        return r.Read() ? new StoredTxRow(r.GetInt64(0), r.GetInt32(1), (byte[])r[2], r.GetString(3), r.GetString(4), (byte[])r[5]) : null;
    }

    /// <summary>The transactions an account sent or was named in, oldest first.</summary>
    public List<StoredTxRow> History(string account, int limit)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = """
            SELECT t.height, t.idx, t.cid, t.type, t.sender, t.data FROM account_txs a JOIN txs t ON t.seq = a.seq
            WHERE a.account = $a ORDER BY a.seq LIMIT $l
            """;
        cmd.Parameters.AddWithValue("$a", account);
        cmd.Parameters.AddWithValue("$l", limit);
        using var r = cmd.ExecuteReader();
        var result = new List<StoredTxRow>();
        while (r.Read())
        {
            result.Add(new StoredTxRow(r.GetInt64(0), r.GetInt32(1), (byte[])r[2], r.GetString(3), r.GetString(4), (byte[])r[5]));
        }

        return result;
    }

    public void Dispose()
    {
        _insertBlock.Dispose();
        _insertTx.Dispose();
        _insertAccountTx.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var name in parameters)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return cmd;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
