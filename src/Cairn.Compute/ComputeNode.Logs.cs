using System.Runtime.CompilerServices;
using Cairn.Content.UnixFs;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Cairn.Multiformats;

namespace Cairn.Compute;

public sealed partial class ComputeNode
{
    private const int LogChunkBytes = 64 * 1024;

    /// <summary>
    /// Reads an execution's stdout and stderr from the start: live from the work directory while it runs
    /// (with <paramref name="follow"/>, until it ends), or from the published CIDs once it has finished.
    /// </summary>
    /// <exception cref="CairnException"><see cref="ErrorCode.NotFound"/> when this node has no such execution.</exception>
    public async IAsyncEnumerable<LogChunk> ReadAsync(ExecutionId executionId, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_runs.TryGetValue(executionId, out var run))
        {
            if (!_finished.TryGetValue(executionId, out var ended) || ended is not { } published)
            {
                throw new CairnException(ErrorCode.NotFound, $"Compute node {Id} has no logs of execution {executionId}.")
                {
                    Hint = ended is null && _finished.ContainsKey(executionId) ? "The execution failed before its task ran, so it wrote no logs." : null,
                };
            }

            await foreach (var chunk in ReadPublishedAsync(published.Stdout, LogSource.Stdout, 0, cancellationToken).ConfigureAwait(false))
            {
                yield return chunk;
            }

            await foreach (var chunk in ReadPublishedAsync(published.Stderr, LogSource.Stderr, 0, cancellationToken).ConfigureAwait(false))
            {
                yield return chunk;
            }

            yield break;
        }

        using var stdout = new LogCursor(LogSource.Stdout);
        using var stderr = new LogCursor(LogSource.Stderr);
        while (true)
        {
            // Taken before reading, so a write after the read wakes the wait below.
            var changed = run.Changed;
            var ended = run.Ended.Task.IsCompleted;
            foreach (var cursor in (LogCursor[])[stdout, stderr])
            {
                while (cursor.Read(cursor.Source == LogSource.Stdout ? run.Stdout : run.Stderr) is { } data)
                {
                    yield return new LogChunk(cursor.Source, data);
                }

                if (cursor.Lost)
                {
                    // The work directory was removed under us: the rest is in the published log.
                    await run.Task!.WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (_finished.TryGetValue(executionId, out var final) && final is { } published)
                    {
                        var cid = cursor.Source == LogSource.Stdout ? published.Stdout : published.Stderr;
                        await foreach (var chunk in ReadPublishedAsync(cid, cursor.Source, cursor.Position, cancellationToken).ConfigureAwait(false))
                        {
                            yield return chunk;
                        }
                    }
                }
            }

            if (ended || !follow || stdout.Lost || stderr.Lost)
            {
                yield break;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<LogChunk> ReadPublishedAsync(Cid cid, LogSource source, long skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await new UnixFsExporter(_repo.Blocks).WriteFileAsync(cid, buffer, cancellationToken).ConfigureAwait(false);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        for (var at = (int)Math.Min(skip, bytes.Length); at < bytes.Length; at += LogChunkBytes)
        {
            yield return new LogChunk(source, bytes.Slice(at, Math.Min(LogChunkBytes, bytes.Length - at)).ToArray());
        }
    }

    /// <summary>A reader's position in one live log file.</summary>
    private sealed class LogCursor(LogSource source) : IDisposable
    {
        private FileStream? _stream;

        public LogSource Source { get; } = source;

        public long Position { get; private set; }

        public bool Lost { get; private set; }

        /// <summary>The next bytes written since the last read, or null when there are none (yet).</summary>
        public byte[]? Read(LogFile? log)
        {
            if (log is null || Lost)
            {
                return null;
            }

            var available = log.Length - Position;
            if (available <= 0)
            {
                return null;
            }

            try
            {
                _stream ??= new FileStream(log.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var data = new byte[(int)Math.Min(available, LogChunkBytes)];
                _stream.Position = Position;
                var read = _stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
                Position += read;
                return read == 0 ? null : read == data.Length ? data : data[..read];
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                Lost = true;
                return null;
            }
        }

        public void Dispose() => _stream?.Dispose();
    }
}
