using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Cairn.Multiformats;
using Microsoft.Data.Sqlite;

namespace Cairn.Content.Storage;

/// <summary>
/// Pins in a SQLite file (WAL, so a running node and CLI commands on the same home can share it).
/// Keyed by multihash: a CIDv0 and its CIDv1 pin the same content.
/// </summary>
public sealed class SqlitePinStore : IPinStore, IDisposable
{
    private readonly string _connectionString;
    private readonly ConcurrentQueue<PendingPins> _pending = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Opens (creating if needed) the pin database at <paramref name="path"/>.</summary>
    public SqlitePinStore(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc />
    public Task AddAsync(Cid cid, PinMode mode, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        return AddManyAsync([cid], mode, name, cancellationToken);
    }

    /// <summary>
    /// Adds several pins in one transaction: all or none. Concurrent calls are committed together
    /// (group commit): whoever takes the writer writes every request queued so far in one
    /// transaction, so many publishers at once share one fsync instead of queueing one each. A call
    /// returns once its pins are committed; a request that fails alone fails only its caller.
    /// </summary>
    public async Task AddManyAsync(IReadOnlyList<Cid> cids, PinMode mode, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cids);
        var request = new PendingPins(cids, mode, name);
        _pending.Enqueue(request);
        while (!request.Completion.Task.IsCompleted)
        {
            await _writer.WaitAsync(cancellationToken);
            try
            {
                if (request.Completion.Task.IsCompleted)
                {
                    break;
                }

                var batch = new List<PendingPins>();
                while (_pending.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count > 0)
                {
                    await WriteBatchAsync(batch);
                }
            }
            finally
            {
                _writer.Release();
            }
        }

        await request.Completion.Task;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM pins WHERE mh = $mh";
        command.Parameters.AddWithValue("$mh", cid.Multihash.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc />
    public async Task<Pin?> GetAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT cid, mode, name FROM pins WHERE mh = $mh";
        command.Parameters.AddWithValue("$mh", cid.Multihash.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPin(reader) : null;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Pin> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT cid, mode, name FROM pins ORDER BY mode, cid";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadPin(reader);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();

        // Only this database's pool: other stores in the process keep theirs.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static Pin ReadPin(SqliteDataReader reader)
        => new(Cid.FromBytes((byte[])reader[0]), (PinMode)reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2));

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!_initialized)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS pins (
                  mh BLOB PRIMARY KEY,
                  cid BLOB NOT NULL,
                  mode INTEGER NOT NULL,
                  name TEXT
                );
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
            _initialized = true;
        }

        return connection;
    }

    private async Task WriteBatchAsync(List<PendingPins> batch)
    {
        try
        {
            // Not a caller's token: the batch holds other callers' pins, which one caller's
            // cancellation must not abort.
            await WritePinsAsync(batch, CancellationToken.None);
            foreach (var request in batch)
            {
                request.Completion.TrySetResult();
            }
        }
        catch (Exception e) when (batch.Count > 1 && e is SqliteException or IOException)
        {
            // One request's failure must not fail the others: write them one by one.
            foreach (var request in batch)
            {
                await WriteBatchAsync([request]);
            }
        }
        catch (Exception e)
        {
            // Handed to every caller in the batch, each of which awaits its own completion: letting
            // it escape from here would fail only the caller running the writer and strand the rest.
            foreach (var request in batch)
            {
                request.Completion.TrySetException(e);
            }
        }
    }

    private async Task WritePinsAsync(List<PendingPins> batch, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // Recursive is the stronger pin: a direct pin never downgrades an existing recursive one.
        command.CommandText = """
            INSERT INTO pins (mh, cid, mode, name) VALUES ($mh, $cid, $mode, $name)
            ON CONFLICT (mh) DO UPDATE SET
              mode = MIN(pins.mode, excluded.mode),
              cid = CASE WHEN excluded.mode <= pins.mode THEN excluded.cid ELSE pins.cid END,
              name = COALESCE(excluded.name, pins.name)
            """;
        var multihash = command.Parameters.Add("$mh", SqliteType.Blob);
        var cidBytes = command.Parameters.Add("$cid", SqliteType.Blob);
        var mode = command.Parameters.Add("$mode", SqliteType.Integer);
        var name = command.Parameters.Add("$name", SqliteType.Text);
        foreach (var request in batch)
        {
            foreach (var cid in request.Cids)
            {
                multihash.Value = cid.Multihash.ToArray();
                cidBytes.Value = cid.ToArray();
                mode.Value = (int)request.Mode;
                name.Value = (object?)request.Name ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private sealed class PendingPins(IReadOnlyList<Cid> cids, PinMode mode, string? name)
    {
        public IReadOnlyList<Cid> Cids { get; } = cids;

        public PinMode Mode { get; } = mode;

        public string? Name { get; } = name;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
