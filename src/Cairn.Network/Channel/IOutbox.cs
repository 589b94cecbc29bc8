using System.Text.Json;

namespace Cairn.Network.Channel;

/// <summary>
/// The sender's side of a reliable stream: numbers outgoing messages and keeps each until the peer
/// acknowledges it, so a reconnect can replay what the peer has not seen. The compute node's is a
/// SQLite file (<see cref="SqliteOutbox"/>), so a finished execution's report survives a restart.
/// </summary>
public interface IOutbox
{
    /// <summary>Names this stream; a peer seeing a new id knows the sequence numbers started over.</summary>
    string StreamId { get; }

    /// <summary>Numbers and keeps a message; returns it with its sequence number.</summary>
    ValueTask<WireMessage> AppendAsync(string type, JsonElement? body, CancellationToken cancellationToken = default);

    /// <summary>Forgets every message up to and including <paramref name="seq"/>: the peer has it.</summary>
    ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken = default);

    /// <summary>The messages not acknowledged yet, in sequence order.</summary>
    IReadOnlyList<WireMessage> Pending();

    /// <summary>Forgets every pending message (the peer's session they were meant for is gone).</summary>
    ValueTask ClearAsync(CancellationToken cancellationToken = default);
}
