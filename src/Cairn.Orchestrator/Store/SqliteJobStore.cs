using System.Globalization;
using Cairn.Jobs;
using Microsoft.Data.Sqlite;

namespace Cairn.Orchestrator.Store;

/// <summary>
/// The job store in a SQLite file (WAL, so readers never block the writer). The schema is
/// versioned in <c>schema_version</c> and migrated on open by <see cref="JobStoreSchema.Migrations"/>.
/// Times are UTC ticks from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class SqliteJobStore : IJobStore, IDisposable
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    // One writer at a time in this process: SQLite serializes writers anyway, and waiting here is
    // cheaper than spinning on SQLITE_BUSY. Other processes are held off by BEGIN IMMEDIATE.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // Parsed specs by job id (specs are immutable once stored); cleared whole when full.
    private const int MaxCachedSpecs = 4096;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Job> _specs = new(StringComparer.Ordinal);

    // Writes reuse one connection (opened after migration): opening a connection per transaction
    // cost more than the transaction itself. Reads take pooled connections and run beside it (WAL).
    private SqliteConnection? _writer;

    private SqliteJobStore(string path, TimeProvider time)
    {
        _time = time;
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating or migrating) the job store at <paramref name="path"/>.</summary>
    public static Task<SqliteJobStore> OpenAsync(string path, TimeProvider time, CancellationToken cancellationToken = default) =>
        OpenAsync(path, time, JobStoreSchema.Migrations, cancellationToken);

    /// <summary>Opens the store with an explicit migration list (tests prove upgrades with it).</summary>
    internal static async Task<SqliteJobStore> OpenAsync(string path, TimeProvider time, IReadOnlyList<JobStoreMigration> migrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(time);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var store = new SqliteJobStore(path, time);
        try
        {
            await store.MigrateAsync(migrations, cancellationToken);
            store._writer = await store.OpenConnectionAsync(cancellationToken);
            await using var pragma = store._writer.CreateCommand();
            pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    /// <summary>The schema version of the open database.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await ReadSchemaVersionAsync(connection, null, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer?.Dispose();
        _writeLock.Dispose();
    }

    private async Task MigrateAsync(IReadOnlyList<JobStoreMigration> migrations, CancellationToken cancellationToken)
    {
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new CairnException(ErrorCode.Internal, $"Job store migration #{i} has version {migrations[i].Version}; migrations must be numbered 1, 2, 3... in order.");
            }
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            // WAL is a property of the file: set once, it stays.
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)", cancellationToken);
            var current = await ReadSchemaVersionAsync(connection, transaction, cancellationToken);
            if (current > migrations.Count)
            {
                throw new CairnException(ErrorCode.Unsupported, $"The job store '{Path}' has schema version {current}, newer than this build understands ({migrations.Count}).")
                {
                    Hint = "Run a newer Cairn, or point it at another home.",
                };
            }

            foreach (var migration in migrations.Skip(current))
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                await using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES ($v, $d, $t)";
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$d", migration.Description);
                record.Parameters.AddWithValue("$t", Now());
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task<int> ReadSchemaVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE), committing when it returns.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var connection = _writer ?? throw new ObjectDisposedException(nameof(SqliteJobStore));
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            throw new CairnException(ErrorCode.ServiceUnavailable, $"The job store '{Path}' is locked by another process.", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private long Now() => _time.GetUtcNow().UtcTicks;

    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    private static object Db(object? value) => value ?? DBNull.Value;

    private async Task AppendHistoryAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        JobId jobId,
        HistoryKind kind,
        string? previousState,
        string newState,
        string actor,
        string? details,
        CancellationToken cancellationToken,
        ExecutionId? executionId = null,
        EvaluationId? evaluationId = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO history (time, job_id, kind, execution_id, evaluation_id, previous_state, new_state, actor, details)
            VALUES ($time, $job, $kind, $exec, $eval, $prev, $new, $actor, $details)
            """;
        command.Parameters.AddWithValue("$time", Now());
        command.Parameters.AddWithValue("$job", jobId.Value);
        command.Parameters.AddWithValue("$kind", kind.ToString());
        command.Parameters.AddWithValue("$exec", Db(executionId?.Value));
        command.Parameters.AddWithValue("$eval", Db(evaluationId?.Value));
        command.Parameters.AddWithValue("$prev", Db(previousState));
        command.Parameters.AddWithValue("$new", newState);
        command.Parameters.AddWithValue("$actor", actor);
        command.Parameters.AddWithValue("$details", Db(details));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobHistoryEntry>> GetHistoryAsync(JobId jobId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, time, kind, execution_id, evaluation_id, previous_state, new_state, actor, details
            FROM history WHERE job_id = $job ORDER BY seq
            """;
        command.Parameters.AddWithValue("$job", jobId.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<JobHistoryEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new JobHistoryEntry
            {
                Sequence = reader.GetInt64(0),
                Time = FromTicks(reader.GetInt64(1)),
                JobId = jobId,
                Kind = Enum.Parse<HistoryKind>(reader.GetString(2)),
                ExecutionId = reader.IsDBNull(3) ? null : ExecutionId.Parse(reader.GetString(3)),
                EvaluationId = reader.IsDBNull(4) ? null : EvaluationId.Parse(reader.GetString(4)),
                PreviousState = reader.IsDBNull(5) ? null : reader.GetString(5),
                NewState = reader.GetString(6),
                Actor = reader.GetString(7),
                Details = reader.IsDBNull(8) ? null : reader.GetString(8),
            });
        }

        return entries;
    }
}
