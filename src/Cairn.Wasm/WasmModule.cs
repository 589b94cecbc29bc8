using Cairn.Wasm.Binary;
using Cairn.Wasm.Validation;

namespace Cairn.Wasm;

/// <summary>
/// A decoded and validated WebAssembly module (not yet compiled). <see cref="Decode"/> rejects malformed
/// and invalid modules with a <see cref="CairnException"/> naming the section, function and byte offset.
/// </summary>
public sealed class WasmModule
{
    internal WasmModule(byte[] bytes) => Bytes = bytes;

    /// <summary>The module's bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>The imports, in order.</summary>
    public IReadOnlyList<ModuleImport> Imports => ImportList;

    /// <summary>The exports, in order.</summary>
    public IReadOnlyList<ModuleExport> Exports => ExportList;

    /// <summary>The memories (imported first).</summary>
    public IReadOnlyList<MemoryType> Memories => MemoryTypes;

    /// <summary>The tables (imported first).</summary>
    public IReadOnlyList<TableType> Tables => TableTypes;

    /// <summary>The number of functions defined (not imported) by the module.</summary>
    public int DefinedFunctionCount => Bodies.Count;

    /// <summary>Post-MVP features the module uses (e.g. "bulk-memory", "reference-types", "multi-value").</summary>
    public IReadOnlyCollection<string> Features => FeatureSet;

    internal List<FuncType> Types { get; } = [];

    internal List<ModuleImport> ImportList { get; } = [];

    internal List<ModuleExport> ExportList { get; } = [];

    /// <summary>Type of every function in the function index space (imports first).</summary>
    internal List<FuncType> FunctionTypes { get; } = [];

    internal int ImportedFunctionCount { get; set; }

    internal List<TableType> TableTypes { get; } = [];

    internal int ImportedTableCount { get; set; }

    internal List<MemoryType> MemoryTypes { get; } = [];

    internal int ImportedMemoryCount { get; set; }

    /// <summary>Type of every global in the global index space (imports first).</summary>
    internal List<GlobalType> GlobalTypes { get; } = [];

    internal int ImportedGlobalCount { get; set; }

    internal List<GlobalDef> GlobalDefs { get; } = [];

    internal int? StartFunction { get; set; }

    internal List<ElementSegment> Elements { get; } = [];

    internal List<DataSegment> Data { get; } = [];

    internal int? DataCount { get; set; }

    internal List<FunctionBody> Bodies { get; } = [];

    internal Dictionary<int, string> FunctionNames { get; } = [];

    internal HashSet<string> FeatureSet { get; } = new(StringComparer.Ordinal);

    /// <summary>Decodes and validates a module.</summary>
    /// <exception cref="CairnException">The module is malformed, invalid or uses an unsupported feature.</exception>
    public static WasmModule Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var module = ModuleDecoder.Decode(bytes);
        Validator.Validate(module);
        return module;
    }

    /// <summary>A readable name for function <paramref name="index"/>: its name-section name, export name, or index.</summary>
    public string FunctionName(int index)
    {
        if (FunctionNames.TryGetValue(index, out var name))
        {
            return name;
        }

        foreach (var e in ExportList)
        {
            if (e.Kind == ExternKind.Function && e.Index == index)
            {
                return e.Name;
            }
        }

        return $"func[{index}]";
    }
}
