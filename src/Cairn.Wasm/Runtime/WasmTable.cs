namespace Cairn.Wasm.Runtime;

/// <summary>A table of references (funcref entries are <see cref="WasmFunction"/> or null).</summary>
public sealed class WasmTable
{
    /// <summary>Host cap on table size, against table-growth bombs.</summary>
    public const uint MaxElementsSupported = 10_000_000;

    /// <summary>Creates a table.</summary>
    public WasmTable(ValType elementType, uint min, uint? max = null, object? init = null)
    {
        if (min > MaxElementsSupported)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"table of {min} elements exceeds the limit of {MaxElementsSupported}");
        }

        ElementType = elementType;
        Max = max;
        Elements = new object?[min];
        if (init is not null)
        {
            Array.Fill(Elements, init);
        }
    }

    /// <summary>funcref or externref.</summary>
    public ValType ElementType { get; }

    /// <summary>Declared maximum.</summary>
    public uint? Max { get; }

    /// <summary>Current size.</summary>
    public uint Size => (uint)Elements.Length;

    internal object?[] Elements { get; private set; }

    /// <summary>Reads an entry.</summary>
    public object? this[uint index]
    {
        get => index < Elements.Length ? Elements[index] : throw new WasmTrap(TrapKind.TableOutOfBounds);
        set
        {
            if (index >= Elements.Length)
            {
                throw new WasmTrap(TrapKind.TableOutOfBounds);
            }

            Elements[index] = value;
        }
    }

    /// <summary>Grows by <paramref name="delta"/> entries set to <paramref name="init"/>; returns the old size or -1.</summary>
    public int Grow(uint delta, object? init)
    {
        var old = (uint)Elements.Length;
        var target = (ulong)old + delta;
        if (target > (Max ?? uint.MaxValue) || target > MaxElementsSupported)
        {
            return -1;
        }

        var grown = new object?[target];
        Array.Copy(Elements, grown, old);
        if (init is not null)
        {
            Array.Fill(grown, init, (int)old, (int)delta);
        }

        Elements = grown;
        return (int)old;
    }
}
