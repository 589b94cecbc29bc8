namespace Cairn.Compute;

/// <summary>
/// A task's stdout or stderr as it is written: straight to a file in the work directory (so followers
/// read it live), up to a cap; what goes beyond the cap is counted, dropped and noted at the end.
/// </summary>
internal sealed class LogFile : Stream
{
    private readonly FileStream _file;
    private readonly string _name;
    private readonly long _cap;
    private readonly Action _changed;
    private readonly Lock _gate = new();
    private long _kept;
    private long _dropped;
    private bool _completed;

    public LogFile(string path, string name, long cap, Action changed)
    {
        Path = path;
        _name = name;
        _cap = cap;
        _changed = changed;
        // Unbuffered, so every write is visible to a follower at once.
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    public string Path { get; }

    /// <summary>Bytes beyond the cap that were dropped.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    /// <summary>Bytes in the file so far (what a reader may read).</summary>
    public override long Length => Volatile.Read(ref _kept);

    public override long Position
    {
        get => Length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int room;
        lock (_gate)
        {
            // After Complete (an executor still writing after it returned) everything counts as dropped.
            room = _completed ? 0 : (int)Math.Min(buffer.Length, Math.Max(0, _cap - _kept));
            if (room > 0)
            {
                _file.Write(buffer[..room]);
                Volatile.Write(ref _kept, _kept + room);
            }

            _dropped += buffer.Length - room;
        }

        if (room > 0)
        {
            _changed();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Notes the dropped bytes (if any) at the end of the file and closes it.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            if (_dropped > 0)
            {
                var note = System.Text.Encoding.UTF8.GetBytes($"\n[cairn: {_dropped} more bytes of {_name} were dropped; a node keeps {_cap} bytes per stream]\n");
                _file.Write(note);
                Volatile.Write(ref _kept, _kept + note.Length);
            }

            _file.Dispose();
        }

        _changed();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _completed = true;
                _file.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
