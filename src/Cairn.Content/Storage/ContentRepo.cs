using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Storage;

/// <summary>
/// The local content repository under a Cairn home: blocks in <c>blocks/</c>, pins in
/// <c>pins.db</c>, the gc lock in <c>gc.lock</c>.
/// </summary>
/// <remarks>
/// Writing through a repository is gc-safe without ceremony: the first block write takes the
/// repository's write lease (<see cref="RepoLock"/>, shared) and holds it until the repository is
/// disposed, so a gc in another process waits until this import has written its pin (or ended).
/// Every pin added through <see cref="Pins"/> first checks that the content is present (the whole
/// DAG for a recursive pin) and flushes the block store, so a pin never names blocks that a crash
/// could lose. A long-lived host that imports repeatedly should open a repository per import, or
/// gc waits for it.
/// </remarks>
public sealed class ContentRepo : IDisposable
{
    private readonly SqlitePinStore _pins;
    private readonly SemaphoreSlim _leaseGate = new(1, 1);
    private IDisposable? _lease;
    private bool _disposed;

    private ContentRepo(string home)
    {
        Home = home;
        Directory.CreateDirectory(home);
        Lock = new RepoLock(Path.Combine(home, "gc.lock"));
        FileStore = new FileBlockStore(Path.Combine(home, "blocks")) { BeforeWrite = EnsureWriteLeaseAsync };
        _pins = new SqlitePinStore(Path.Combine(home, "pins.db"));
        Pins = new CheckedPinStore(this, _pins);
    }

    /// <summary>The home folder.</summary>
    public string Home { get; }

    /// <summary>The block store.</summary>
    public IBlockStore Blocks => FileStore;

    /// <summary>The block store as files (for flushing, gc and maintenance).</summary>
    public FileBlockStore FileStore { get; }

    /// <summary>The pins. Adding one checks the content is present and makes its blocks durable first.</summary>
    public IPinStore Pins { get; }

    /// <summary>The gc lock shared by every process using this home.</summary>
    public RepoLock Lock { get; }

    /// <summary>How long a writer waits for a running gc (and gc for running writers).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The home to use: <paramref name="explicitHome"/> when given, else <c>$CAIRN_HOME</c>, else <c>~/.cairn</c>.
    /// </summary>
    public static string ResolveHome(string? explicitHome)
    {
        if (!string.IsNullOrEmpty(explicitHome))
        {
            return Path.GetFullPath(explicitHome);
        }

        var env = Environment.GetEnvironmentVariable("CAIRN_HOME");
        if (!string.IsNullOrEmpty(env))
        {
            return Path.GetFullPath(env);
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cairn");
    }

    /// <summary>Opens (creating if needed) the repository in a home folder.</summary>
    public static ContentRepo Open(string? explicitHome) => new(ResolveHome(explicitHome));

    /// <summary>Opens a repository whose lock waits at most <paramref name="lockTimeout"/>.</summary>
    public static ContentRepo OpenWithLockTimeout(string? explicitHome, TimeSpan lockTimeout) => new(ResolveHome(explicitHome)) { LockTimeout = lockTimeout };

    /// <summary>
    /// Checks that <paramref name="cid"/>'s content is present — the block alone for a direct pin,
    /// every block reachable from it for a recursive one — and throws <see cref="ErrorCode.NotFound"/>
    /// naming the first missing block (depth-first order). Inner nodes are read to find their links
    /// but not re-hashed, so pinning right after an import costs a fraction of the import.
    /// </summary>
    public Task EnsurePresentAsync(Cid cid, PinMode mode, CancellationToken cancellationToken = default)
        => EnsurePresentAsync(cid, mode, null, cancellationToken);

    /// <summary>Runs garbage collection (see <see cref="GarbageCollector"/>).</summary>
    public async Task<GcResult> CollectGarbageAsync(CancellationToken cancellationToken = default)
    {
        // This handle's own lease would make gc wait for itself: what it wrote and did not pin is garbage.
        await ReleaseWriteLeaseAsync(cancellationToken);
        return await new GarbageCollector(this).RunAsync(cancellationToken);
    }

    /// <summary>Takes the write lease now (a no-op when held); block writes take it implicitly.</summary>
    public ValueTask BeginWriteAsync(CancellationToken cancellationToken = default) => EnsureWriteLeaseAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _lease?.Dispose();
        _lease = null;
        _pins.Dispose();
        FileStore.Dispose();
        _leaseGate.Dispose();
    }

    internal async Task EnsurePresentAsync(Cid cid, PinMode mode, LinkExtractor? links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cid);
        if (mode == PinMode.Direct)
        {
            if (cid.HashCode != Multicodec.Identity && !await Blocks.HasAsync(cid, cancellationToken))
            {
                throw new CairnException(ErrorCode.NotFound, $"Block {cid} is not in the local store.")
                {
                    Hint = "Add or import the content first (e.g. `cairn car import FILE.car`).",
                };
            }

            return;
        }

        // Structure only: the blocks were hashed when stored; gc and reads verify them.
        await DagWalker.WalkAsync([cid], Blocks, [], static (_, _, _) => ValueTask.CompletedTask, readRawBlocks: false, links, cancellationToken, verify: false);
    }

    /// <summary>Pins several roots at once after making the blocks durable; the caller checked presence under the lease.</summary>
    internal async Task PinAllAsync(IReadOnlyList<Cid> roots, PinMode mode, CancellationToken cancellationToken)
    {
        await EnsureWriteLeaseAsync(cancellationToken);
        await FileStore.FlushAsync(cancellationToken);
        await _pins.AddManyAsync(roots, mode, null, cancellationToken);
    }

    private async ValueTask EnsureWriteLeaseAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _lease) is not null)
        {
            return;
        }

        await _leaseGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _lease ??= await Lock.AcquireSharedAsync(LockTimeout, cancellationToken);
        }
        finally
        {
            _leaseGate.Release();
        }
    }

    private async Task ReleaseWriteLeaseAsync(CancellationToken cancellationToken)
    {
        await _leaseGate.WaitAsync(cancellationToken);
        try
        {
            _lease?.Dispose();
            _lease = null;
        }
        finally
        {
            _leaseGate.Release();
        }
    }

    /// <summary>Pins through the repository: present first, durable first, under the write lease.</summary>
    private sealed class CheckedPinStore(ContentRepo repo, SqlitePinStore inner) : IPinStore
    {
        public async Task AddAsync(Cid cid, PinMode mode, string? name = null, CancellationToken cancellationToken = default)
        {
            // Under the lease, gc cannot delete what was just found present before the pin is written.
            await repo.EnsureWriteLeaseAsync(cancellationToken);
            await repo.EnsurePresentAsync(cid, mode, null, cancellationToken);
            await repo.FileStore.FlushAsync(cancellationToken);
            await inner.AddAsync(cid, mode, name, cancellationToken);
        }

        public Task<bool> RemoveAsync(Cid cid, CancellationToken cancellationToken = default) => inner.RemoveAsync(cid, cancellationToken);

        public Task<Pin?> GetAsync(Cid cid, CancellationToken cancellationToken = default) => inner.GetAsync(cid, cancellationToken);

        public IAsyncEnumerable<Pin> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);
    }
}
