using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cairn.Jobs;

/// <summary>Writes an identifier as its string form and reads it back, rejecting malformed ids.</summary>
/// <typeparam name="T">The identifier type.</typeparam>
public sealed class PrefixedIdJsonConverter<T> : JsonConverter<T>
    where T : struct, IPrefixedId<T>
{
    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string id, got {reader.TokenType}.");
        }

        var text = reader.GetString()!;

        // default(T) writes as "": read it back as default, not as an error.
        if (text.Length == 0)
        {
            return default;
        }

        try
        {
            return T.Parse(text);
        }
        catch (CairnException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
