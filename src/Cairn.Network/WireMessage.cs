using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cairn.Network;

/// <summary>
/// One frame of the compute connection: one JSON object per WebSocket text frame. A message with
/// <see cref="Seq"/> above zero belongs to the sender's reliable stream (kept until acknowledged,
/// replayed after a reconnect, delivered once); seq 0 marks control frames (handshake, heartbeat, ack).
/// </summary>
/// <param name="Seq">The sender's sequence number (1, 2, ...), 0 for control frames.</param>
/// <param name="Ack">The highest sequence number the sender has received from its peer.</param>
/// <param name="Type">The message type (see <see cref="MessageTypes"/>).</param>
/// <param name="Body">The payload, shaped by the type.</param>
public sealed record WireMessage(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("ack")] long Ack,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("body")] JsonElement? Body);
