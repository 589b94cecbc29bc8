using System.Buffers;
using System.Buffers.Binary;
using Cairn.Jobs.Execution;

namespace Cairn.Executors.Docker;

/// <summary>
/// Splits the Docker Engine API's multiplexed output stream (a container without a TTY): each frame is an
/// 8-byte header — the stream (0 stdin, 1 stdout, 2 stderr), three zero bytes, the payload length as a
/// big-endian uint32 — then the payload.
/// </summary>
internal static class DockerStreamDemultiplexer
{
    private const int HeaderSize = 8;
    private const int BufferSize = 64 * 1024;

    /// <summary>
    /// Copies every frame's payload of <paramref name="source"/> to <paramref name="stdout"/> or <paramref name="stderr"/>
    /// until the end of the stream, counting the bytes of each stream in <paramref name="progress"/>. Bytes of a stream
    /// up to the count already in <paramref name="progress"/> are skipped (not written again): a second read of the
    /// same log from its start writes only what the first missed.
    /// </summary>
    public static async Task CopyAsync(Stream source, Stream stdout, Stream stderr, LogProgress progress, CancellationToken cancellationToken)
    {
        var skipStdout = progress.Stdout;
        var skipStderr = progress.Stderr;
        long seenStdout = 0, seenStderr = 0;
        var header = new byte[HeaderSize];
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await source.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                if (read < HeaderSize)
                {
                    throw new CairnException(ErrorCode.IoError, $"The container runtime's log stream ended inside a frame header ({read} of {HeaderSize} bytes).");
                }

                var kind = header[0];
                if (kind > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0)
                {
                    throw new CairnException(ErrorCode.IoError, $"The container runtime's log stream has a malformed frame header {Convert.ToHexString(header)} (expected stream 0-2 and three zero bytes).");
                }

                var remaining = (long)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
                // Stdin frames never come from a container's output; drop their payload if a runtime sends one.
                var target = kind switch { 1 => stdout, 2 => stderr, _ => null };
                while (remaining > 0)
                {
                    var chunk = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(remaining, buffer.Length)), cancellationToken).ConfigureAwait(false);
                    if (chunk == 0)
                    {
                        throw new CairnException(ErrorCode.IoError, $"The container runtime's log stream ended inside a frame ({remaining} bytes missing).");
                    }

                    if (target is not null)
                    {
                        // How much of this chunk was written by an earlier read of the same log.
                        var seen = kind == 1 ? seenStdout : seenStderr;
                        var skip = (int)Math.Clamp((kind == 1 ? skipStdout : skipStderr) - seen, 0, chunk);
                        if (skip < chunk)
                        {
                            await target.WriteAsync(buffer.AsMemory(skip, chunk - skip), cancellationToken).ConfigureAwait(false);
                            progress.Add(kind == 1 ? LogSource.Stdout : LogSource.Stderr, chunk - skip);
                        }

                        if (kind == 1)
                        {
                            seenStdout += chunk;
                        }
                        else
                        {
                            seenStderr += chunk;
                        }
                    }

                    remaining -= chunk;
                }

                if (target is not null)
                {
                    await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
