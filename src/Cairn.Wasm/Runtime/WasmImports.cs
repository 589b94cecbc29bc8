namespace Cairn.Wasm.Runtime;

/// <summary>What a module's imports bind to: host functions, functions, memories, tables and globals by (module, name).</summary>
public sealed class WasmImports
{
    private readonly Dictionary<(string Module, string Name), object> _items = [];

    /// <summary>Binds a host function.</summary>
    public WasmImports Add(string module, string name, HostFunction function) => Set(module, name, WasmFunction.FromHost(function));

    /// <summary>Binds a function (e.g. another instance's export).</summary>
    public WasmImports Add(string module, string name, WasmFunction function) => Set(module, name, function);

    /// <summary>Binds a memory.</summary>
    public WasmImports Add(string module, string name, WasmMemory memory) => Set(module, name, memory);

    /// <summary>Binds a table.</summary>
    public WasmImports Add(string module, string name, WasmTable table) => Set(module, name, table);

    /// <summary>Binds a global.</summary>
    public WasmImports Add(string module, string name, WasmGlobal global) => Set(module, name, global);

    /// <summary>Binds every export of an instance under module name <paramref name="module"/>.</summary>
    public WasmImports AddInstance(string module, WasmInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        foreach (var (name, value) in instance.Exports)
        {
            Set(module, name, value);
        }

        return this;
    }

    internal bool TryGet(string module, string name, out object value) => _items.TryGetValue((module, name), out value!);

    private WasmImports Set(string module, string name, object value)
    {
        _items[(module, name)] = value;
        return this;
    }
}
