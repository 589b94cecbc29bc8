using Cairn.Wasm.Binary;

namespace Cairn.Wasm.Runtime;

/// <summary>An instantiated module: its memory, tables, globals, functions and exports, plus fuel and limits.</summary>
public sealed partial class WasmInstance
{
#pragma warning disable SA1401, CA1051
    // Fields, not properties: compiled code loads them directly.
    internal WasmMemory? Memory;
    internal WasmTable[] Tables = [];
    internal WasmGlobal[] Globals = [];
    internal WasmFunction[] Functions = [];
    // The module's code table (CompiledModule.Code), held here too so a call between the module's
    // functions loads it with one field access from the instance argument.
    internal IntPtr[] Code = [];
    internal byte[]?[] DataSegments = [];
    internal object?[]?[] ElemSegments = [];
    internal long Fuel;
    internal int CallDepth;
    internal int MaxCallDepth;
    internal volatile int Interrupt;
#pragma warning restore SA1401, CA1051

    private readonly Dictionary<string, object> _exports = new(StringComparer.Ordinal);
    private long _fuelLimit;

    internal WasmInstance(CompiledModule module) => Module = module;

    /// <summary>The compiled module this is an instance of.</summary>
    public CompiledModule Module { get; }

    /// <summary>Exports by name: <see cref="WasmFunction"/>, <see cref="WasmMemory"/>, <see cref="WasmTable"/> or <see cref="WasmGlobal"/>.</summary>
    public IReadOnlyDictionary<string, object> Exports => _exports;

    /// <summary>The instance's memory, if it has one.</summary>
    public WasmMemory? DefaultMemory => Memory;

    /// <summary>Fuel used since instantiation (or the last <see cref="SetFuel"/>).</summary>
    public long FuelConsumed => _fuelLimit - Fuel;

    /// <summary>Sets the fuel limit and resets the consumed count.</summary>
    public void SetFuel(long? limit)
    {
        _fuelLimit = limit ?? long.MaxValue;
        Fuel = _fuelLimit;
    }

    /// <summary>Asks running code to stop at its next fuel point with a timeout (1) or cancelled (2) trap.</summary>
    internal void RequestInterrupt(int reason) => Interrupt = reason;

    /// <summary>Clears an interrupt request.</summary>
    internal void ClearInterrupt() => Interrupt = 0;

    /// <summary>An exported function.</summary>
    /// <exception cref="CairnException">No function of that name is exported.</exception>
    public WasmFunction GetFunction(string name) =>
        _exports.TryGetValue(name, out var f) && f is WasmFunction fn
            ? fn
            : throw new CairnException(ErrorCode.NotFound, $"the module exports no function \"{name}\"");

    /// <summary>An exported global.</summary>
    public WasmGlobal GetGlobal(string name) =>
        _exports.TryGetValue(name, out var g) && g is WasmGlobal gl
            ? gl
            : throw new CairnException(ErrorCode.NotFound, $"the module exports no global \"{name}\"");

    private void AddExports(WasmModule m)
    {
        foreach (var e in m.ExportList)
        {
            _exports[e.Name] = e.Kind switch
            {
                ExternKind.Function => Functions[e.Index],
                ExternKind.Table => Tables[e.Index],
                ExternKind.Memory => Memory!,
                _ => Globals[e.Index],
            };
        }
    }
}
