namespace Cairn.Wasm.Runtime;

/// <summary>
/// Carries the results of functions that return more than one value: the callee stores them here just
/// before returning and the caller loads them right after the call (per thread, so no instance is needed).
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
#pragma warning disable CS1591 // Called only by compiled wasm code: public so the JIT may inline it there.
public static class MultiValue
{
    [ThreadStatic]
    private static ulong[]? t_bits;

    [ThreadStatic]
    private static object?[]? t_refs;

    private static ulong[] Bits(int index)
    {
        var b = t_bits ??= new ulong[16];
        if (index >= b.Length)
        {
            Array.Resize(ref t_bits, Math.Max(index + 1, b.Length * 2));
            b = t_bits;
        }

        return b;
    }

    private static object?[] Refs(int index)
    {
        var b = t_refs ??= new object?[16];
        if (index >= b.Length)
        {
            Array.Resize(ref t_refs, Math.Max(index + 1, b.Length * 2));
            b = t_refs;
        }

        return b;
    }

    public static void SetI32(int value, int index) => Bits(index)[index] = (uint)value;

    public static void SetI64(long value, int index) => Bits(index)[index] = (ulong)value;

    public static void SetF32(float value, int index) => Bits(index)[index] = (uint)BitConverter.SingleToInt32Bits(value);

    public static void SetF64(double value, int index) => Bits(index)[index] = (ulong)BitConverter.DoubleToInt64Bits(value);

    public static void SetRef(object? value, int index) => Refs(index)[index] = value;

    public static int GetI32(int index) => (int)Bits(index)[index];

    public static long GetI64(int index) => (long)Bits(index)[index];

    public static float GetF32(int index) => BitConverter.Int32BitsToSingle((int)Bits(index)[index]);

    public static double GetF64(int index) => BitConverter.Int64BitsToDouble((long)Bits(index)[index]);

    public static object? GetRef(int index)
    {
        var r = Refs(index);
        var v = r[index];
        r[index] = null;
        return v;
    }
}
#pragma warning restore CS1591
