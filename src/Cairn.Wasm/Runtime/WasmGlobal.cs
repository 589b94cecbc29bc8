namespace Cairn.Wasm.Runtime;

/// <summary>A global variable.</summary>
public sealed class WasmGlobal
{
    /// <summary>Creates a global holding <paramref name="value"/>.</summary>
    public WasmGlobal(WasmValue value, bool mutable)
    {
        Type = value.Type;
        Mutable = mutable;
        Bits = value.Bits;
        Ref = value.Ref;
    }

    /// <summary>The value type.</summary>
    public ValType Type { get; }

    /// <summary>Whether wasm code may set it.</summary>
    public bool Mutable { get; }

    /// <summary>The current value.</summary>
    public WasmValue Value
    {
        get => new(Type, Bits, Ref);
        set
        {
            Bits = value.Bits;
            Ref = value.Ref;
        }
    }

    // Fields, not properties: compiled code reads and writes them directly.
#pragma warning disable SA1401, CA1051
    internal ulong Bits;
    internal object? Ref;
#pragma warning restore SA1401, CA1051
}
