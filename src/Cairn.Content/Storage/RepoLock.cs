namespace Cairn.Content.Storage;

/// <summary>
/// The repository's gc lock: a file that writers (imports, pin add, car import) hold shared
/// from their first block write until their pin is written, and that gc holds exclusively.
/// It is an advisory <c>flock(2)</c> on Unix (taken by .NET for <see cref="FileShare"/> modes:
/// read-only + sharing = LOCK_SH, <see cref="FileShare.None"/> = LOCK_EX), a share-mode lock on
/// Windows; both are per open handle, so they order threads of one process and separate processes
/// alike, and both vanish when the holder dies, so a killed import never wedges gc.
/// </summary>
public sealed class RepoLock
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);
    private readonly string _path;
    private readonly TimeProvider _time;

    /// <summary>Creates the lock over the file at <paramref name="path"/> (created if missing).</summary>
    public RepoLock(string path, TimeProvider? timeProvider = null)
    {
        _path = Path.GetFullPath(path);
        _time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        if (!File.Exists(_path))
        {
            try
            {
                using (new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite))
                {
                }
            }
            catch (IOException)
            {
                // Created and locked by another process meanwhile: it exists, which is all we need.
            }
        }
    }

    /// <summary>The lock file.</summary>
    public string FilePath => _path;

    /// <summary>Takes the lock shared (many writers at once), waiting while gc runs.</summary>
    public Task<IDisposable> AcquireSharedAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => AcquireAsync(shared: true, timeout, cancellationToken);

    /// <summary>Takes the lock exclusively, waiting until no writer holds it.</summary>
    public Task<IDisposable> AcquireExclusiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => AcquireAsync(shared: false, timeout, cancellationToken);

    /// <summary>Takes the lock exclusively if nobody holds it; null otherwise.</summary>
    public IDisposable? TryAcquireExclusive() => TryOpen(shared: false);

    private async Task<IDisposable> AcquireAsync(bool shared, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            if (TryOpen(shared) is { } held)
            {
                return held;
            }

            if (_time.GetTimestamp() >= deadline)
            {
                throw new CairnException(ErrorCode.Conflict, shared
                    ? $"Timed out after {timeout.TotalSeconds:0} s waiting for garbage collection to finish (lock {_path})."
                    : $"Timed out after {timeout.TotalSeconds:0} s waiting for imports in progress to finish (lock {_path}).")
                {
                    Hint = "Retry when the other `cairn` command or node operation on this home has finished.",
                };
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    private FileStream? TryOpen(bool shared)
    {
        try
        {
            return shared
                ? new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite)
                : new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            // Held in the other mode (sharing violation / EWOULDBLOCK).
            return null;
        }
    }
}
