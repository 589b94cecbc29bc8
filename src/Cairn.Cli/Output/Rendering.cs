using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cairn.Cli.Output;

/// <summary>
/// The shared <c>--output json|yaml|table</c> option and the renderers behind it. Commands build a
/// <see cref="JsonNode"/> once; JSON and YAML print it as is, and each command prints its own table.
/// </summary>
internal static class Rendering
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A fresh <c>--output</c> option (an option instance belongs to one command).</summary>
    public static Option<OutputFormat> CreateOption() => new("--output")
    {
        Description = "Output format: table (default), json or yaml.",
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? "table" : result.Tokens[0].Value;
            switch (text.ToLowerInvariant())
            {
                case "table":
                    return OutputFormat.Table;
                case "json":
                    return OutputFormat.Json;
                case "yaml" or "yml":
                    return OutputFormat.Yaml;
                default:
                    result.AddError($"Unknown output format '{text}': use table, json or yaml.");
                    return OutputFormat.Table;
            }
        },
    };

    /// <summary>Prints <paramref name="value"/> as JSON or YAML; false for table (the caller prints its own).</summary>
    public static bool TryWriteStructured(TextWriter output, OutputFormat format, JsonNode? value)
    {
        switch (format)
        {
            case OutputFormat.Json:
                output.WriteLine(value?.ToJsonString(JsonOptions) ?? "null");
                return true;
            case OutputFormat.Yaml:
                var sb = new StringBuilder();
                WriteYaml(sb, value, 0, inSequence: false);
                output.Write(sb.ToString());
                return true;
            default:
                return false;
        }
    }

    private static void WriteYaml(StringBuilder sb, JsonNode? node, int indent, bool inSequence)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case JsonObject obj when obj.Count == 0:
                sb.Append("{}\n");
                break;
            case JsonObject obj:
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!(first && inSequence))
                    {
                        sb.Append(pad);
                    }

                    first = false;
                    sb.Append(Scalar(key)).Append(':');
                    if (value is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
                    {
                        sb.Append('\n');
                        WriteYaml(sb, value, value is JsonArray ? indent : indent + 2, inSequence: false);
                    }
                    else
                    {
                        sb.Append(' ');
                        WriteYaml(sb, value, indent + 2, inSequence: false);
                    }
                }

                break;
            case JsonArray arr when arr.Count == 0:
                sb.Append("[]\n");
                break;
            case JsonArray arr:
                foreach (var item in arr)
                {
                    sb.Append(pad).Append("- ");
                    WriteYaml(sb, item, indent + 2, inSequence: true);
                }

                break;
            case null:
                sb.Append("null\n");
                break;
            case JsonValue value:
                sb.Append(value.GetValueKind() == JsonValueKind.String ? Scalar(value.GetValue<string>()) : value.ToJsonString()).Append('\n');
                break;
        }
    }

    private static string Scalar(string s)
    {
        var plain = s.Length > 0
            && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1])
            && s.IndexOfAny([':', '#', '\n', '"', '\'', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`']) < 0
            && s[0] != '-' && s[0] != '?'
            && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            && s is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off" or "~");
        return plain ? s : JsonSerializer.Serialize(s, JsonOptions);
    }
}
