using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Tests.Shared;

namespace Cairn.Content.Tests.UnixFs;

/// <summary>Runs a batch of cases through tests/interop/unixfs-oracle.mjs (the JS reference) in one node process.</summary>
internal static class UnixFsOracle
{
    public static async Task<Dictionary<string, JsonObject>> RunAsync(IEnumerable<JsonObject> cases, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["cases"] = new JsonArray(cases.Select(c => (JsonNode)c).ToArray()) };
        var output = await NodeOracle.RunAsync("unixfs-oracle.mjs", [], cancellationToken, System.Text.Encoding.UTF8.GetBytes(input.ToJsonString()));
        var results = new Dictionary<string, JsonObject>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var obj = JsonNode.Parse(line)!.AsObject();
            results[obj["id"]!.GetValue<string>()] = obj;
        }

        return results;
    }

    public static JsonObject Options(string config) => config switch
    {
        "v1" => new JsonObject(),
        "v0" => new JsonObject { ["cidVersion"] = 0, ["rawLeaves"] = false, ["leafType"] = "file" },
        "v1-dagpb" => new JsonObject { ["cidVersion"] = 1, ["rawLeaves"] = false, ["leafType"] = "file" },
        "v0-raw" => new JsonObject { ["cidVersion"] = 0 },
        _ => throw new ArgumentOutOfRangeException(nameof(config)),
    };

    public static Cairn.Content.UnixFs.ImportOptions ImportOptions(string config) => config switch
    {
        "v1" => new(),
        "v0" => new() { CidVersion = 0 },
        "v1-dagpb" => new() { CidVersion = 1, RawLeaves = false },
        "v0-raw" => new() { CidVersion = 0, RawLeaves = true },
        _ => throw new ArgumentOutOfRangeException(nameof(config)),
    };

    public static string[] Cids(JsonObject result) => result["cids"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    /// <summary>Deterministic pseudo-random bytes (so failures reproduce).</summary>
    public static void WriteRandomFile(string path, long length, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[1 << 20];
        using var file = File.Create(path);
        for (long done = 0; done < length;)
        {
            var n = (int)Math.Min(buffer.Length, length - done);
            random.NextBytes(buffer.AsSpan(0, n));
            file.Write(buffer, 0, n);
            done += n;
        }
    }

    public static string Serialize(object value) => JsonSerializer.Serialize(value);
}
