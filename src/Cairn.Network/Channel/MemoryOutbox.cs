using System.Text.Json;

namespace Cairn.Network.Channel;

/// <summary>An outbox in memory: the orchestrator's side (its requests mean nothing after it restarts).</summary>
public sealed class MemoryOutbox : IOutbox
{
    private readonly Lock _lock = new();
    private readonly List<WireMessage> _pending = [];
    private long _lastSeq;

    /// <inheritdoc />
    public string StreamId { get; } = Guid.NewGuid().ToString("N");

    /// <inheritdoc />
    public ValueTask<WireMessage> AppendAsync(string type, JsonElement? body, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var message = new WireMessage(++_lastSeq, 0, type, body);
            _pending.Add(message);
            return ValueTask.FromResult(message);
        }
    }

    /// <inheritdoc />
    public ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _pending.RemoveAll(m => m.Seq <= seq);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IReadOnlyList<WireMessage> Pending()
    {
        lock (_lock)
        {
            return [.. _pending];
        }
    }

    /// <inheritdoc />
    public ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _pending.Clear();
        }

        return ValueTask.CompletedTask;
    }
}
