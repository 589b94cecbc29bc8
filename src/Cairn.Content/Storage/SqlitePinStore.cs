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

    /// <summary>Adds several pins in one transaction: all or none.</summary>
    public async Task AddManyAsync(IReadOnlyList<Cid> cids, PinMode mode, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cids);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var cid in cids)
        {
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
            command.Parameters.AddWithValue("$mh", cid.Multihash.ToArray());
            command.Parameters.AddWithValue("$cid", cid.ToArray());
            command.Parameters.AddWithValue("$mode", (int)mode);
            command.Parameters.AddWithValue("$name", (object?)name ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
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
}
