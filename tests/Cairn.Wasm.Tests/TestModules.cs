using Cairn.Tests.Shared;

namespace Cairn.Wasm.Tests;

/// <summary>Paths of the committed test modules (built from their sources by Modules/build.sh).</summary>
internal static class TestModules
{
    public static string Dir => Path.Combine(RepoPaths.Root, "tests", "Cairn.Wasm.Tests", "Modules");

    public static string Wat(string name) => Path.Combine(Dir, "wat", name + ".wasm");

    public static string C(string name) => Path.Combine(Dir, "c", name + ".wasm");

    public static string CSource(string name) => Path.Combine(Dir, "c", name + ".c");

    public static byte[] WatBytes(string name) => File.ReadAllBytes(Wat(name));

    public static CompiledModule Compile(string wat, CompileOptions? options = null) => WasmEngine.CompileUncached(WatBytes(wat), options);
}
