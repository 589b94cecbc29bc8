using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cairn.Jobs;

/// <summary>
/// Writes a parameter map as plain JSON and reads it back into the value shapes
/// <see cref="SpecConfig.Params"/> documents (so a stored spec reads back as it was parsed).
/// </summary>
public sealed class SpecParamsJsonConverter : JsonConverter<IReadOnlyDictionary<string, object?>>
{
    private const int MaxDepth = 64;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return SpecParams.Empty;
        }

        return ReadValue(ref reader, 0) as IReadOnlyDictionary<string, object?>
            ?? throw new JsonException("Expected a JSON object of parameters.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> value, JsonSerializerOptions options) =>
        WriteValue(writer, value, 0);

    private static object? ReadValue(ref Utf8JsonReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new JsonException("Parameters are nested too deeply.");
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var l) ? (object)l : reader.GetDouble();
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(ReadValue(ref reader, depth + 1));
                }

                return list;
            case JsonTokenType.StartObject:
                var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    map[key] = ReadValue(ref reader, depth + 1);
                }

                return map;
            default:
                throw new JsonException($"Unexpected {reader.TokenType} in parameters.");
        }
    }

    /// <summary>
    /// Writes a spec tree value (null, string, bool, numbers, string-keyed maps, lists) as JSON;
    /// anything else as its invariant string. The one writer for spec trees, shared by the job
    /// formatter.
    /// </summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value) => WriteValue(writer, value, 0);

    private static void WriteValue(Utf8JsonWriter writer, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new JsonException("Parameters are nested too deeply.");
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
