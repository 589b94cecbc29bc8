using System.Collections.Concurrent;
using Cairn.Multiformats;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace Cairn.Content.Storage;

/// <summary>
/// The packed tier of a <see cref="FileBlockStore"/>: blocks appended to pack files under
/// <c>packs/</c> (each a CARv1 file, readable by any CAR tool) and found through a SQLite index
/// (<c>packs.db</c>: multihash → pack, offset, length).
/// </summary>
/// <remarks>
/// <para>Why packs: creating a file costs the kernel more (ext4 inode and directory work) than
/// copying the 256 KiB it holds, so storing one file per block runs at a quarter of the speed of
/// appending to one file (<c>bench/pack-vs-files.sh</c>: 4.1–4.7× on this project's machine). Bulk writers (a CAR fetched from a peer, gc's
/// compaction) append to a pack through <see cref="PackWriter"/>; single puts stay loose files,
/// as git keeps loose objects beside packs.</para>
/// <para>Visibility and crashes: a block becomes visible when its index row is committed, which
/// happens after its bytes are in the pack. A writer killed mid-pack leaves bytes no row names;
/// gc reclaims them. Every read hashes the bytes, so a row naming a pack whose bytes were lost in
/// a power cut reads as a damaged block, never as a wrong one.</para>
/// <para>Concurrency: one writer per pack file (each <see cref="PackWriter"/> creates its own);
/// the index is WAL SQLite, shared by every process on the home.</para>
/// </remarks>
internal sealed class BlockPacks : IDisposable
{
    /// <summary>The folder (under the block store's root) that holds the pack files.</summary>
    public const string FolderName = "packs";

    /// <summary>The index file (under the block store's root).</summary>
    public const string IndexName = "packs.db";

    /// <summary>The extension of a pack file: a pack is a CARv1 file.</summary>
    public const string Extension = ".car";

    private readonly string _indexPath;
    private readonly string _connectionString;
    private readonly ConcurrentBag<Lookup> _lookups = [];
    private readonly Lock _initGate = new();
    private volatile bool _ready;
    private bool _disposed;

    public BlockPacks(string root)
    {
        Folder = Path.Combine(root, FolderName);
        _indexPath = Path.Combine(root, IndexName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _indexPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Folder { get; }

    /// <summary>Where a block lives: the pack's file name, the offset of its bytes, their length.</summary>
    public readonly record struct Location(string Pack, long Offset, int Length);

    public string PathOf(string pack) => Path.Combine(Folder, pack);

    /// <summary>Finds a block; false when no pack holds it (or there is no index yet).</summary>
    public bool TryLocate(ReadOnlySpan<byte> multihash, out Location location)
    {
        location = default;
        if (!Exists())
        {
            return false;
        }

        var lookup = RentLookup();
        try
        {
            lookup.Multihash.Value = multihash.ToArray();
            using var reader = lookup.Command.ExecuteReader();
            if (!reader.Read())
            {
                return false;
            }

            location = new Location(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2));
            return true;
        }
        finally
        {
            _lookups.Add(lookup);
        }
    }

    /// <summary>
    /// The block's stored bytes (unverified), or null when no pack holds it. A pack that vanished
    /// between the lookup and the read (gc compacted it in another process) is looked up again.
    /// </summary>
    public byte[]? Read(ReadOnlySpan<byte> multihash, Cid cid)
        => TryRead(multihash, cid, static n => new byte[n], static _ => { }, out var bytes, out _) ? bytes : null;

    /// <summary>As <see cref="Read"/>, into a buffer rented from <paramref name="pool"/>.</summary>
    public bool TryRent(ReadOnlySpan<byte> multihash, Cid cid, System.Buffers.ArrayPool<byte> pool, out byte[] buffer, out int length)
        => TryRead(multihash, cid, n => pool.Rent(Math.Max(n, 1)), b => pool.Return(b), out buffer, out length);

    /// <summary>
    /// The bytes at a location already looked up, for callers that hold the repository so that gc
    /// cannot move them meanwhile (a writer under its lease, gc itself).
    /// </summary>
    public byte[] ReadAt(Location at, Cid cid)
    {
        var bytes = new byte[at.Length];
        TryReadAt(at, bytes, cid, retryable: false);
        return bytes;
    }

    /// <summary>Indexes blocks appended to <paramref name="pack"/>, in one transaction; a newer copy replaces an older one.</summary>
    public void Commit(string pack, IReadOnlyList<(byte[] Multihash, long Offset, int Length)> entries)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var packRow = connection.CreateCommand();
        packRow.Transaction = transaction;
        packRow.CommandText = "INSERT INTO packs (name) VALUES ($name) ON CONFLICT (name) DO NOTHING; SELECT id FROM packs WHERE name = $name";
        packRow.Parameters.AddWithValue("$name", pack);
        var packId = (long)packRow.ExecuteScalar()!;

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;

        // Replace: the writer verified what it wrote, while the older copy may be the damaged one a
        // fetch was repairing. The older bytes become garbage that gc's compaction reclaims.
        insert.CommandText = """
            INSERT INTO blocks (mh, pack, offset, length) VALUES ($mh, $pack, $offset, $length)
            ON CONFLICT (mh) DO UPDATE SET pack = excluded.pack, offset = excluded.offset, length = excluded.length
            """;
        var multihash = insert.Parameters.Add("$mh", SqliteType.Blob);
        insert.Parameters.AddWithValue("$pack", packId);
        var offset = insert.Parameters.Add("$offset", SqliteType.Integer);
        var length = insert.Parameters.Add("$length", SqliteType.Integer);
        insert.Prepare();
        foreach (var entry in entries)
        {
            multihash.Value = entry.Multihash;
            offset.Value = entry.Offset;
            length.Value = entry.Length;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Removes a block's index row; false when no pack held it. Its bytes stay until gc compacts the pack.</summary>
    public bool Delete(ReadOnlySpan<byte> multihash) => Exists() && DeleteMany([multihash.ToArray()]) > 0;

    /// <summary>Removes several blocks' index rows in one transaction (gc's sweep); returns how many were there.</summary>
    public int DeleteMany(IEnumerable<byte[]> multihashes)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM blocks WHERE mh = $mh";
        var parameter = command.Parameters.Add("$mh", SqliteType.Blob);
        command.Prepare();
        var removed = 0;
        foreach (var multihash in multihashes)
        {
            parameter.Value = multihash;
            removed += command.ExecuteNonQuery();
        }

        transaction.Commit();
        return removed;
    }

    /// <summary>Every indexed block's multihash and location (in one pack, when <paramref name="pack"/> is given).</summary>
    public IEnumerable<(byte[] Multihash, Location At)> Enumerate(CancellationToken cancellationToken, string? pack = null)
    {
        if (!Exists())
        {
            yield break;
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT b.mh, p.name, b.offset, b.length FROM blocks b JOIN packs p ON p.id = b.pack" + (pack is null ? "" : " WHERE p.name = $name ORDER BY b.offset");
        if (pack is not null)
        {
            command.Parameters.AddWithValue("$name", pack);
        }

        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ((byte[])reader[0], new Location(reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3)));
        }
    }

    /// <summary>Every pack the index names, with the bytes of the blocks it still indexes there.</summary>
    public List<(string Pack, long LiveBytes, long LiveBlocks)> PacksWithLiveBytes()
    {
        var packs = new List<(string, long, long)>();
        if (!Exists())
        {
            return packs;
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT p.name, COALESCE(SUM(b.length), 0), COUNT(b.mh) FROM packs p LEFT JOIN blocks b ON b.pack = p.id GROUP BY p.id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            packs.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return packs;
    }

    /// <summary>Drops a pack from the index (its blocks must have moved or gone first).</summary>
    public void ForgetPack(string pack)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM packs WHERE name = $name AND NOT EXISTS (SELECT 1 FROM blocks WHERE pack = packs.id)";
        command.Parameters.AddWithValue("$name", pack);
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (_initGate)
        {
            _disposed = true;
            while (_lookups.TryTake(out var lookup))
            {
                lookup.Dispose();
            }
        }

        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private bool Exists() => _ready || File.Exists(_indexPath);

    private bool TryRead(ReadOnlySpan<byte> multihash, Cid cid, Func<int, byte[]> allocate, Action<byte[]> release, out byte[] buffer, out int length)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (!TryLocate(multihash, out var at))
            {
                buffer = [];
                length = 0;
                return false;
            }

            buffer = allocate(at.Length);
            if (TryReadAt(at, buffer.AsSpan(0, at.Length), cid, retryable: attempt == 0))
            {
                length = at.Length;
                return true;
            }

            release(buffer);
        }
    }

    private bool TryReadAt(Location at, Span<byte> destination, Cid cid, bool retryable)
    {
        SafeFileHandle handle;
        try
        {
            // Opened per read, not cached: a cached handle on a pack that gc compacted away would
            // keep its disk space allocated for as long as this process lives.
            handle = File.OpenHandle(PathOf(at.Pack), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            if (retryable)
            {
                return false;
            }

            throw new CairnException(ErrorCode.IntegrityViolation, $"Block {cid} is indexed in pack {at.Pack}, which is missing from {Folder}.")
            {
                Hint = "Fetch or add the content again (that stores the block anew); `cairn gc` reports every damaged pinned block.",
            };
        }

        using (handle)
        {
            var read = 0;
            while (read < destination.Length)
            {
                var n = RandomAccess.Read(handle, destination[read..], at.Offset + read);
                if (n == 0)
                {
                    // A pack cut short (a power cut before its flush): the hash check reports the block damaged.
                    destination[read..].Clear();
                    break;
                }

                read += n;
            }
        }

        return true;
    }

    private Lookup RentLookup()
    {
        if (_lookups.TryTake(out var lookup))
        {
            return lookup;
        }

        var connection = Open();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT p.name, b.offset, b.length FROM blocks b JOIN packs p ON p.id = b.pack WHERE b.mh = $mh";
        var multihash = command.Parameters.Add("$mh", SqliteType.Blob);
        command.Prepare();
        return new Lookup(connection, command, multihash);
    }

    /// <summary>Opens a connection, creating the index on first use.</summary>
    internal SqliteConnection Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();

        // synchronous is per connection. NORMAL in WAL mode: a commit is atomic and survives a killed
        // process; FlushAsync's syncfs makes it survive a power cut before anything names the blocks.
        command.CommandText = "PRAGMA synchronous = NORMAL";
        command.ExecuteNonQuery();
        if (!_ready)
        {
            lock (_initGate)
            {
                if (!_ready)
                {
                    Directory.CreateDirectory(Folder);
                    command.CommandText = """
                        PRAGMA journal_mode = WAL;
                        CREATE TABLE IF NOT EXISTS packs (
                          id INTEGER PRIMARY KEY,
                          name TEXT NOT NULL UNIQUE
                        );
                        CREATE TABLE IF NOT EXISTS blocks (
                          mh BLOB PRIMARY KEY,
                          pack INTEGER NOT NULL,
                          offset INTEGER NOT NULL,
                          length INTEGER NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX IF NOT EXISTS blocks_by_pack ON blocks (pack);
                        """;
                    command.ExecuteNonQuery();
                    _ready = true;
                }
            }
        }

        return connection;
    }

    private sealed class Lookup(SqliteConnection connection, SqliteCommand command, SqliteParameter multihash) : IDisposable
    {
        public SqliteCommand Command { get; } = command;

        public SqliteParameter Multihash { get; } = multihash;

        public void Dispose()
        {
            Command.Dispose();
            connection.Dispose();
        }
    }
}
