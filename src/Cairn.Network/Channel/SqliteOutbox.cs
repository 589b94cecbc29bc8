using System.Globalization;
using System.Text.Json;
using Cairn.Network.Protocol;
using Microsoft.Data.Sqlite;

namespace Cairn.Network.Channel;

/// <summary>
/// An outbox in a SQLite file: every message is committed before it is sent, and only an ack from the
/// peer deletes it, so messages written before a crash are replayed by the next process. The last
/// sequence number and the stream id are kept too, so numbering continues instead of restarting.
/// </summary>
public sealed class SqliteOutbox : IOutbox, IDisposable
{
    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<WireMessage> _pending = [];
    private long _lastSeq;

    private SqliteOutbox(SqliteConnection db, string streamId, long lastSeq, List<WireMessage> pending)
    {
        _db = db;
        StreamId = streamId;
        _lastSeq = lastSeq;
        _pending = pending;
    }

    /// <inheritdoc />
    public string StreamId { get; }

    /// <summary>Opens (creating when missing) the outbox at <paramref name="path"/>.</summary>
    public static SqliteOutbox Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            db.Open();
            Execute(db, """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=FULL;
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, frame TEXT NOT NULL);
                """);
            var streamId = Scalar(db, "SELECT value FROM meta WHERE key = 'stream'");
            if (streamId is null)
            {
                streamId = Guid.NewGuid().ToString("N");
                Execute(db, $"INSERT INTO meta (key, value) VALUES ('stream', '{streamId}'), ('last_seq', '0')");
            }

            var lastSeq = long.Parse(Scalar(db, "SELECT value FROM meta WHERE key = 'last_seq'") ?? "0", CultureInfo.InvariantCulture);
            var pending = new List<WireMessage>();
            using (var select = db.CreateCommand())
            {
                select.CommandText = "SELECT frame FROM outbox ORDER BY seq";
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    pending.Add(JsonSerializer.Deserialize(reader.GetString(0), NetworkJsonContext.Default.WireMessage)
                        ?? throw new CairnException(ErrorCode.IntegrityViolation, $"The outbox {path} holds an empty frame."));
                }
            }

            return new SqliteOutbox(db, streamId, lastSeq, pending);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<WireMessage> AppendAsync(string type, JsonElement? body, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var message = new WireMessage(_lastSeq + 1, 0, type, body);
            using var tx = _db.BeginTransaction();
            using (var insert = _db.CreateCommand())
            {
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO outbox (seq, frame) VALUES ($seq, $frame); UPDATE meta SET value = $seq WHERE key = 'last_seq';";
                insert.Parameters.AddWithValue("$seq", message.Seq);
                insert.Parameters.AddWithValue("$frame", JsonSerializer.Serialize(message, NetworkJsonContext.Default.WireMessage));
                insert.ExecuteNonQuery();
            }

            tx.Commit();
            _lastSeq = message.Seq;
            _pending.Add(message);
            return message;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_pending.Count == 0 || _pending[0].Seq > seq)
            {
                return;
            }

            using var delete = _db.CreateCommand();
            delete.CommandText = "DELETE FROM outbox WHERE seq <= $seq";
            delete.Parameters.AddWithValue("$seq", seq);
            delete.ExecuteNonQuery();
            _pending.RemoveAll(m => m.Seq <= seq);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<WireMessage> Pending()
    {
        _gate.Wait();
        try
        {
            return [.. _pending];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Execute(_db, "DELETE FROM outbox");
            _pending.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _db.Dispose();
        _gate.Dispose();
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }
}
