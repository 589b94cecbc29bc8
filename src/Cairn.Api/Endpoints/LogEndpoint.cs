using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Cairn.ApiModels;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.Api.Endpoints;

/// <summary>
/// <c>GET /api/v1/orchestrator/jobs/{id}/logs[?execution=ID][&amp;follow=true]</c>. On a WebSocket
/// upgrade: one JSON text message <c>{Execution, Stream, Data}</c> per chunk, then a normal close
/// (an error closes with InternalServerError and its message). Otherwise: the captured text.
/// Chunks come from <see cref="IExecutionLogs"/> when the node has it; an execution it knows
/// nothing of falls back to the stdout/stderr the execution published to the content store.
/// </summary>
internal static class LogEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, string id, string? execution, bool? follow)
    {
        var (store, record) = await JobEndpoints.LoadAsync(context, id);
        var executions = await store.GetExecutionsAsync(record.Job.Id, context.RequestAborted);
        if (execution is { Length: > 0 })
        {
            executions = executions.Where(e => string.Equals(e.Id.Value, execution, StringComparison.OrdinalIgnoreCase)).ToList();
            if (executions.Count == 0)
            {
                throw new CairnException(ErrorCode.NotFound, $"Job {record.Job.Id} has no execution {execution}.") { Hint = $"List them with `cairn job executions {record.Job.Id}`." };
            }
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            var text = new StringBuilder();
            await foreach (var frame in ReadAsync(context, executions, follow ?? false, context.RequestAborted))
            {
                text.Append(frame.Data);
            }

            return Results.Text(text.ToString(), "text/plain; charset=utf-8");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var logger = context.RequestServices.GetRequiredService<ILogger<LogStream>>();
        try
        {
            await foreach (var frame in FollowAllAsync(context, executions, follow ?? false, context.RequestAborted))
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, ApiJsonContext.Default.LogFrame);
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
            }

            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "end of logs", context.RequestAborted);
            Log.LogStreamEnded(logger, record.Job.Id.Value, "end of logs");
        }
        catch (CairnException e)
        {
            // The upgrade already answered 101: the close frame is the only place left for the error.
            Log.LogStreamEnded(logger, record.Job.Id.Value, e.Message);
            // A close reason is at most 123 bytes of UTF-8.
            var reason = e.Message;
            while (Encoding.UTF8.GetByteCount(reason) > 123)
            {
                reason = reason[..^1];
            }

            await socket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, reason, context.RequestAborted);
        }

        return Results.Empty;
    }

    /// <summary>
    /// Following several executions (a job with Count &gt; 1 runs them side by side), each one's
    /// frames are forwarded as they come instead of after the previous execution ended.
    /// </summary>
    private static async IAsyncEnumerable<LogFrame> FollowAllAsync(HttpContext context, IReadOnlyList<ExecutionRecord> executions, bool follow, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!follow || executions.Count < 2)
        {
            await foreach (var frame in ReadAsync(context, executions, follow, cancellationToken))
            {
                yield return frame;
            }

            yield break;
        }

        var channel = System.Threading.Channels.Channel.CreateBounded<LogFrame>(64);
        var readers = executions.Select(e => Task.Run(
            async () =>
            {
                await foreach (var frame in ReadAsync(context, [e], follow, cancellationToken))
                {
                    await channel.Writer.WriteAsync(frame, cancellationToken);
                }
            },
            cancellationToken)).ToList();
        var all = Task.WhenAll(readers).ContinueWith(t => channel.Writer.TryComplete(t.Exception?.InnerException), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await foreach (var frame in channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return frame;
        }

        await all;
    }

    private static async IAsyncEnumerable<LogFrame> ReadAsync(HttpContext context, IReadOnlyList<ExecutionRecord> executions, bool follow, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var logs = context.RequestServices.GetService<IExecutionLogs>();
        var blocks = ApiServices.TryBlocks(context);
        foreach (var execution in executions)
        {
            var any = false;
            if (logs is not null)
            {
                var stdout = new Utf8Chunker();
                var stderr = new Utf8Chunker();
                var chunks = logs.ReadAsync(execution.Id, follow, cancellationToken).GetAsyncEnumerator(cancellationToken);
                await using (chunks)
                {
                    // A node that no longer has the execution (restarted, or it ran elsewhere) says
                    // NotFound: the published stdout/stderr below stand in for it.
                    while (await NextAsync(chunks) is { } chunk)
                    {
                        any = true;
                        var chunker = chunk.Source == LogSource.Stderr ? stderr : stdout;
                        var text = chunker.Decode(chunk.Data.Span, flush: false);
                        if (text.Length > 0)
                        {
                            yield return new LogFrame { Execution = execution.Id.Value, Stream = StreamName(chunk.Source), Data = text };
                        }
                    }
                }

                foreach (var (source, chunker) in new[] { (LogSource.Stdout, stdout), (LogSource.Stderr, stderr) })
                {
                    var rest = chunker.Decode([], flush: true);
                    if (rest.Length > 0)
                    {
                        yield return new LogFrame { Execution = execution.Id.Value, Stream = StreamName(source), Data = rest };
                    }
                }
            }

            if (!any && blocks is not null && execution.Result is { } result)
            {
                foreach (var (source, cid) in new[] { (LogSource.Stdout, result.StdoutCid), (LogSource.Stderr, result.StderrCid) })
                {
                    if (await StoredText.TryReadBytesAsync(blocks, cid, cancellationToken) is { Length: > 0 } bytes)
                    {
                        yield return new LogFrame { Execution = execution.Id.Value, Stream = StreamName(source), Data = Encoding.UTF8.GetString(bytes) };
                    }
                }
            }
        }
    }

    private static async Task<LogChunk?> NextAsync(IAsyncEnumerator<LogChunk> chunks)
    {
        try
        {
            return await chunks.MoveNextAsync() ? chunks.Current : null;
        }
        catch (CairnException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
    }

    private static string StreamName(LogSource source) => source == LogSource.Stderr ? "stderr" : "stdout";

    /// <summary>Decodes a stream's chunks as UTF-8 without splitting a character across frames.</summary>
    private sealed class Utf8Chunker
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

        public string Decode(ReadOnlySpan<byte> bytes, bool flush)
        {
            var chars = new char[_decoder.GetCharCount(bytes, flush)];
            var n = _decoder.GetChars(bytes, chars, flush);
            return new string(chars, 0, n);
        }
    }

    /// <summary>Category of the log stream's messages.</summary>
    internal sealed class LogStream
    {
    }
}
