using System.Net.WebSockets;
using System.Text.Json;
using Cairn.Network.Protocol;

namespace Cairn.Network.Channel;

/// <summary>Reads and writes one <see cref="WireMessage"/> per WebSocket text message.</summary>
internal static class WireCodec
{
    /// <summary>A message larger than this ends the connection (a job spec with inline inputs fits many times over).</summary>
    public const int MaxMessageBytes = 16 << 20;

    public static async Task WriteAsync(WebSocket socket, WireMessage message, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, NetworkJsonContext.Default.WireMessage);
        await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next message, or null when the peer closed the connection.</summary>
    public static async Task<WireMessage?> ReadAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            if (result.MessageType != WebSocketMessageType.Text)
            {
                throw new CairnException(ErrorCode.InvalidInput, "The compute connection carries JSON text frames only; a binary frame arrived.");
            }

            message.Write(buffer, 0, result.Count);
            if (message.Length > MaxMessageBytes)
            {
                throw new CairnException(ErrorCode.InvalidInput, $"A message on the compute connection exceeds {MaxMessageBytes} bytes.");
            }

            if (result.EndOfMessage)
            {
                break;
            }
        }

        try
        {
            return JsonSerializer.Deserialize(message.GetBuffer().AsSpan(0, (int)message.Length), NetworkJsonContext.Default.WireMessage)
                ?? throw new CairnException(ErrorCode.InvalidInput, "A message on the compute connection is JSON null.");
        }
        catch (JsonException e)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"A message on the compute connection is not a valid frame: {e.Message}");
        }
    }

    public static JsonElement ToElement<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
        JsonSerializer.SerializeToElement(value, info);

    public static T Body<T>(WireMessage message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        if (message.Body is not { } body)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"A \"{message.Type}\" message has no body.");
        }

        try
        {
            return body.Deserialize(info) ?? throw new CairnException(ErrorCode.InvalidInput, $"A \"{message.Type}\" message has a null body.");
        }
        catch (JsonException e)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The body of a \"{message.Type}\" message does not read: {e.Message}");
        }
    }
}
