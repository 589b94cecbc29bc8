using System.Text;
using System.Text.Json;
using Cairn.Jobs;
using Cairn.Jobs.Specs;
using YamlDotNet.Serialization;

namespace Cairn.Orchestrator.Specs;

/// <summary>Writes a job as Bacalhau-shaped spec text that <see cref="JobSpecParser"/> reads back to the same job.</summary>
public static class JobSpecFormatter
{
    private static readonly ISerializer Yaml = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build();

    /// <summary>The spec as YAML.</summary>
    public static string ToYaml(Job job) => Yaml.Serialize(Plain(JobSpecWriter.ToTree(job)));

    /// <summary>The spec as JSON.</summary>
    public static string ToJson(Job job, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            SpecParamsJsonConverter.WriteValue(writer, JobSpecWriter.ToTree(job));
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // YamlDotNet walks plain dictionaries and lists; the tree's read-only interfaces are copied into them.
    private static object? Plain(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Plain(kv.Value), StringComparer.Ordinal),
        string s => s,
        IEnumerable<object?> list => list.Select(Plain).ToList(),
        _ => value,
    };
}
