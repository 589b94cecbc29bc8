using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cairn.Jobs.Specs;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cairn.Orchestrator.Specs;

/// <summary>
/// Reads YAML or JSON text into the value tree <see cref="JobSpecBinder"/> binds (maps with
/// case-insensitive keys, lists, strings, booleans, longs, doubles), recording every field's
/// position and rejecting keys that differ only in case.
/// </summary>
internal sealed partial class SpecTreeBuilder
{
    private const int MaxDepth = 64;

    // Aliases let a small YAML text expand to billions of nodes ("billion laughs"); a real spec has hundreds.
    private const int MaxNodes = 100_000;
    private int _nodes;

    public SpecPositions Positions { get; } = new();

    public List<SpecError> Errors { get; } = [];

    public object? ReadYaml(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            Errors.Add(new SpecError
            {
                Path = string.Empty,
                Message = "not valid YAML: " + (e.InnerException?.Message ?? e.Message),
                Line = (int)e.Start.Line,
                Column = (int)e.Start.Column,
            });
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            Errors.Add(new SpecError
            {
                Path = string.Empty,
                Message = stream.Documents.Count == 0 ? "the spec is empty" : $"expected one YAML document, got {stream.Documents.Count}",
                Hint = stream.Documents.Count == 0 ? null : "Put each job in its own file.",
            });
            return null;
        }

        return FromYaml(stream.Documents[0].RootNode, string.Empty, 0);
    }

    public object? ReadJson(byte[] utf8)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = MaxDepth,
        });
        try
        {
            if (!reader.Read())
            {
                Errors.Add(new SpecError { Path = string.Empty, Message = "the spec is empty" });
                return null;
            }

            var value = FromJson(ref reader, utf8, lineStarts, string.Empty);
            if (reader.Read())
            {
                var (line, column) = Position(utf8, lineStarts, reader.TokenStartIndex);
                Errors.Add(new SpecError { Path = string.Empty, Message = "unexpected content after the JSON document", Line = line, Column = column });
            }

            return value;
        }
        catch (JsonException e)
        {
            Errors.Add(new SpecError
            {
                Path = string.Empty,
                Message = "not valid JSON: " + StripJsonPosition(e.Message),
                Line = (int)(e.LineNumber ?? 0) + 1,
                Column = (int)(e.BytePositionInLine ?? 0) + 1,
            });
            return null;
        }
    }

    private static string StripJsonPosition(string message) => JsonPositionSuffix().Replace(message, string.Empty);

    [GeneratedRegex(@"\s*(Path:|LineNumber:).*$", RegexOptions.Singleline)]
    private static partial Regex JsonPositionSuffix();

    private static (int Line, int Column) Position(byte[] utf8, List<int> lineStarts, long offset)
    {
        var index = lineStarts.BinarySearch((int)offset);
        var line = index >= 0 ? index : ~index - 1;
        var column = Encoding.UTF8.GetCharCount(utf8, lineStarts[line], (int)offset - lineStarts[line]) + 1;
        return (line + 1, column);
    }

    private object? FromJson(ref Utf8JsonReader reader, byte[] utf8, List<int> lineStarts, string path)
    {
        var (line, column) = Position(utf8, lineStarts, reader.TokenStartIndex);
        Positions.Add(path, line, column);
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
                    list.Add(FromJson(ref reader, utf8, lineStarts, JobPath.Index(path, list.Count)));
                }

                return list;
            case JsonTokenType.StartObject:
                var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                var keyLines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    var (keyLine, keyColumn) = Position(utf8, lineStarts, reader.TokenStartIndex);
                    var childPath = JobPath.Child(path, key);
                    reader.Read();
                    var duplicate = CheckDuplicate(map, keyLines, key, childPath, keyLine, keyColumn);
                    Positions.Add(childPath, keyLine, keyColumn);
                    var value = FromJson(ref reader, utf8, lineStarts, childPath);
                    if (!duplicate)
                    {
                        map[key] = value;
                    }
                }

                return map;
            default:
                throw new JsonException($"Unexpected {reader.TokenType}.");
        }
    }

    private object? FromYaml(YamlNode node, string path, int depth)
    {
        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        Positions.Add(path, line, column);
        if (depth > MaxDepth)
        {
            Errors.Add(new SpecError { Path = path, Message = "nested too deeply", Line = line, Column = column });
            return null;
        }

        if (++_nodes > MaxNodes)
        {
            if (_nodes == MaxNodes + 1)
            {
                Errors.Add(new SpecError { Path = path, Message = $"the spec expands to more than {MaxNodes} values", Hint = "YAML aliases (*name) are expanded; a job spec needs no more than a few hundred values.", Line = line, Column = column });
            }

            return null;
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                return ResolveScalar(scalar);
            case YamlSequenceNode sequence:
                var list = new List<object?>(sequence.Children.Count);
                foreach (var child in sequence.Children)
                {
                    list.Add(FromYaml(child, JobPath.Index(path, list.Count), depth + 1));
                }

                return list;
            case YamlMappingNode mapping:
                var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                var keyLines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        Errors.Add(new SpecError { Path = path, Message = "a key must be a plain name", Line = (int)keyNode.Start.Line, Column = (int)keyNode.Start.Column });
                        continue;
                    }

                    var childPath = JobPath.Child(path, key);
                    var keyLine = (int)keyNode.Start.Line;
                    var keyColumn = (int)keyNode.Start.Column;
                    var duplicate = CheckDuplicate(map, keyLines, key, childPath, keyLine, keyColumn);

                    // The key's position names the field better than its value's (which may be on the next line).
                    Positions.Add(childPath, keyLine, keyColumn);
                    var value = FromYaml(valueNode, childPath, depth + 1);
                    if (!duplicate)
                    {
                        map[key] = value;
                    }
                }

                return map;
            default:
                Errors.Add(new SpecError { Path = path, Message = "unsupported YAML node", Line = line, Column = column });
                return null;
        }
    }

    private bool CheckDuplicate(Dictionary<string, object?> map, Dictionary<string, int> keyLines, string key, string path, int line, int column)
    {
        if (!map.ContainsKey(key))
        {
            keyLines[key] = line;
            map[key] = null;
            return false;
        }

        var first = map.Keys.First(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        Errors.Add(new SpecError
        {
            Path = path,
            Message = $"duplicate field: {first} is already set at line {keyLines[key]}",
            Hint = string.Equals(first, key, StringComparison.Ordinal) ? null : "Field names are case-insensitive, so these are the same field.",
            Line = line,
            Column = column,
        });
        return true;
    }

    // YAML 1.2 core schema: plain scalars may be null, booleans or numbers; quoted ones are strings.
    private static object? ResolveScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return value;
        }

        if (!scalar.Tag.IsEmpty)
        {
            return scalar.Tag.Value switch
            {
                "tag:yaml.org,2002:str" => value,
                "tag:yaml.org,2002:null" => null,
                _ => ResolvePlain(value),
            };
        }

        return ResolvePlain(value);
    }

    private static object? ResolvePlain(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
        }

        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        if (value.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out l))
        {
            return l;
        }

        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        return value;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
