using Cairn.Jobs;
using Cairn.Tests.Shared;

namespace Cairn.Compute.Tests.Conformance;

/// <summary>The committed C test modules (tests/Cairn.Compute.Tests/Modules, rebuilt by build.sh).</summary>
internal static class ExecutorModules
{
    public static string Dir => Path.Combine(RepoPaths.Root, "tests", "Cairn.Compute.Tests", "Modules");

    public static string PathOf(string name) => Path.Combine(Dir, name + ".wasm");

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static string DataUrl(string name) => "data:application/wasm;base64," + Convert.ToBase64String(Bytes(name));

    /// <summary>An inline <c>data:</c> source holding the module, as Bacalhau's wasm examples give it.</summary>
    public static InputSource Inline(string name, string? alias = null) => new()
    {
        Alias = alias,
        Source = new SpecConfig { Type = "inline", Params = SpecParams.Create([new("URL", DataUrl(name))]) },
    };

    /// <summary>A wasm engine config running <paramref name="module"/> with <paramref name="parameters"/>.</summary>
    public static SpecConfig WasmEngine(string module, IReadOnlyList<string>? parameters = null, IReadOnlyDictionary<string, string>? env = null) => new()
    {
        Type = "wasm",
        Params = SpecParams.Create(
        [
            new("EntryModule", new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
            {
                ["Source"] = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
                {
                    ["Type"] = "inline",
                    ["Params"] = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["URL"] = DataUrl(module) },
                },
            }),
            new("Parameters", (parameters ?? []).Cast<object?>().ToList()),
            new("EnvironmentVariables", (env ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.OrdinalIgnoreCase)),
        ]),
    };
}
