using Microsoft.Data.Sqlite;

namespace Cairn.Orchestrator.Replication;

/// <summary>
/// The orchestrator's replicated pins in a SQLite file (WAL, <c>synchronous=FULL</c>: a pin the user
/// was told about survives a crash). Two tables: <c>replicas</c> (what is wanted) and
/// <c>replica_holders</c> (who has a copy). The schema version is <c>PRAGMA user_version</c>.
/// </summary>
public sealed class SqliteReplicaStore : IDisposable
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);

    private SqliteReplicaStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating) the store at <paramref name="path"/>.</summary>
    public static SqliteReplicaStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            connection.Open();
            using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON";
                pragmas.ExecuteNonQuery();
            }

            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version";
            var version = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new CairnException(ErrorCode.Unsupported, $"The replica store '{path}' has schema version {version}, newer than this build understands ({SchemaVersion}).")
                {
                    Hint = "Run a newer Cairn, or point it at another home.",
                };
            }

            if (version < 1)
            {
                using var transaction = connection.BeginTransaction();
                using var create = connection.CreateCommand();
                create.Transaction = transaction;
                create.CommandText = """
                    CREATE TABLE replicas (
                        cid TEXT PRIMARY KEY,
                        replicas INTEGER NOT NULL CHECK (replicas > 0),
                        name TEXT,
                        created_at INTEGER NOT NULL);
                    CREATE TABLE replica_holders (
                        cid TEXT NOT NULL REFERENCES replicas(cid) ON DELETE CASCADE,
                        node TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pinned', 'lost')),
                        bytes INTEGER NOT NULL,
                        gateway TEXT,
                        pinned_at INTEGER NOT NULL,
                        message TEXT,
                        PRIMARY KEY (cid, node));
                    PRAGMA user_version = 1;
                    """;
                create.ExecuteNonQuery();
                transaction.Commit();
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new SqliteReplicaStore(connection, path);
    }

    /// <summary>Adds a replicated pin or changes how many copies it wants; returns the stored record.</summary>
    public async Task<ReplicaRecord> UpsertAsync(string cid, int replicas, string? name, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await WriteAsync(
            """
            INSERT INTO replicas (cid, replicas, name, created_at) VALUES ($cid, $replicas, $name, $now)
            ON CONFLICT (cid) DO UPDATE SET replicas = excluded.replicas, name = COALESCE(excluded.name, replicas.name)
            """,
            c =>
            {
                c.Parameters.AddWithValue("$cid", cid);
                c.Parameters.AddWithValue("$replicas", replicas);
                c.Parameters.AddWithValue("$name", (object?)name ?? DBNull.Value);
                c.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            },
            cancellationToken);
        return (await GetAsync(cid, cancellationToken))!;
    }

    /// <summary>Removes a replicated pin and its holder records; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string cid, CancellationToken cancellationToken = default) =>
        await WriteAsync("DELETE FROM replicas WHERE cid = $cid", c => c.Parameters.AddWithValue("$cid", cid), cancellationToken) > 0;

    /// <summary>Records that <paramref name="holder"/> holds (or lost) a copy; ignored when the pin was removed meanwhile.</summary>
    public Task SetHolderAsync(string cid, ReplicaHolderRecord holder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return WriteAsync(
            """
            INSERT INTO replica_holders (cid, node, state, bytes, gateway, pinned_at, message)
            SELECT $cid, $node, $state, $bytes, $gateway, $pinned, $message WHERE EXISTS (SELECT 1 FROM replicas WHERE cid = $cid)
            ON CONFLICT (cid, node) DO UPDATE SET state = excluded.state, bytes = excluded.bytes,
                gateway = COALESCE(excluded.gateway, replica_holders.gateway), pinned_at = excluded.pinned_at, message = excluded.message
            """,
            c =>
            {
                c.Parameters.AddWithValue("$cid", cid);
                c.Parameters.AddWithValue("$node", holder.Node);
                c.Parameters.AddWithValue("$state", holder.State);
                c.Parameters.AddWithValue("$bytes", holder.Bytes);
                c.Parameters.AddWithValue("$gateway", (object?)holder.GatewayUrl ?? DBNull.Value);
                c.Parameters.AddWithValue("$pinned", holder.PinnedAt.ToUnixTimeMilliseconds());
                c.Parameters.AddWithValue("$message", (object?)holder.Message ?? DBNull.Value);
            },
            cancellationToken);
    }

    /// <summary>Forgets a holder (its copy was trimmed).</summary>
    public Task RemoveHolderAsync(string cid, string node, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "DELETE FROM replica_holders WHERE cid = $cid AND node = $node",
            c =>
            {
                c.Parameters.AddWithValue("$cid", cid);
                c.Parameters.AddWithValue("$node", node);
            },
            cancellationToken);

    /// <summary>One replicated pin with its holders, or null.</summary>
    public async Task<ReplicaRecord?> GetAsync(string cid, CancellationToken cancellationToken = default)
    {
        var all = await ReadAsync(cid, cancellationToken).ConfigureAwait(false);
        return all.Count == 0 ? null : all[0];
    }

    /// <summary>Every replicated pin with its holders, by CID.</summary>
    public Task<IReadOnlyList<ReplicaRecord>> ListAsync(CancellationToken cancellationToken = default) => ReadAsync(null, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        _lock.Dispose();
    }

    private async Task<IReadOnlyList<ReplicaRecord>> ReadAsync(string? cid, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var holders = new Dictionary<string, List<ReplicaHolderRecord>>(StringComparer.Ordinal);
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT cid, node, state, bytes, gateway, pinned_at, message FROM replica_holders" + (cid is null ? string.Empty : " WHERE cid = $cid") + " ORDER BY pinned_at, node";
                if (cid is not null)
                {
                    command.Parameters.AddWithValue("$cid", cid);
                }

                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var key = reader.GetString(0);
                    if (!holders.TryGetValue(key, out var list))
                    {
                        holders[key] = list = [];
                    }

                    list.Add(new ReplicaHolderRecord(
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetInt64(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                        reader.IsDBNull(6) ? null : reader.GetString(6)));
                }
            }

            var records = new List<ReplicaRecord>();
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT cid, replicas, name, created_at FROM replicas" + (cid is null ? string.Empty : " WHERE cid = $cid") + " ORDER BY cid";
                if (cid is not null)
                {
                    command.Parameters.AddWithValue("$cid", cid);
                }

                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var key = reader.GetString(0);
                    records.Add(new ReplicaRecord(
                        key,
                        reader.GetInt32(1),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                        holders.TryGetValue(key, out var list) ? list : []));
                }
            }

            return records;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<int> WriteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
