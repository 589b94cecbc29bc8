namespace Cairn.Wasm.Runtime;

/// <summary>A function implemented by the host, importable by modules.</summary>
public sealed class HostFunction
{
    private readonly Func<WasmValue[], WasmValue[]> _callback;

    /// <summary>Creates a host function of signature <paramref name="type"/>.</summary>
    /// <param name="type">The signature wasm code calls it with.</param>
    /// <param name="callback">Receives the arguments and returns the results (one per result type).</param>
    public HostFunction(FuncType type, Func<WasmValue[], WasmValue[]> callback)
    {
        Type = type;
        _callback = callback;
    }

    /// <summary>The signature.</summary>
    public FuncType Type { get; }

    internal WasmValue[] Call(WasmValue[] args)
    {
        var results = _callback(args);
        if (results.Length != Type.Results.Length)
        {
            throw new WasmTrap(TrapKind.HostError, $"host function returned {results.Length} values, its type says {Type.Results.Length}");
        }

        return results;
    }
}
