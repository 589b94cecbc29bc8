using System.Runtime.CompilerServices;

namespace Cairn.Wasm.Runtime;

/// <summary>Numeric operations whose WebAssembly semantics differ from the raw IL instruction (traps, NaN rules, rounding).</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
#pragma warning disable CS1591 // Called only by compiled wasm code: public so the JIT may inline it there.
public static class NumOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32DivS(int a, int b)
    {
        if (b == 0)
        {
            Traps.Throw(TrapKind.IntegerDivideByZero);
        }

        if (b == -1 && a == int.MinValue)
        {
            Traps.Throw(TrapKind.IntegerOverflow);
        }

        return a / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32DivU(int a, int b)
    {
        if (b == 0)
        {
            Traps.Throw(TrapKind.IntegerDivideByZero);
        }

        return (int)((uint)a / (uint)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32RemS(int a, int b)
    {
        if (b == 0)
        {
            Traps.Throw(TrapKind.IntegerDivideByZero);
        }

        return b == -1 ? 0 : a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int I32RemU(int a, int b)
    {
        if (b == 0)
        {
            Traps.Throw(TrapKind.IntegerDivideByZero);
        }

        return (int)((uint)a % (uint)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64DivS(long a, long b)
    {
        if (b == 0)
        {
            Traps.Throw(TrapKind.IntegerDivideByZero);
        }

        if (b == -1 && a == long.MinValue)
        {
            Traps.Throw(TrapKind.IntegerOverflow);
        }

        return a / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64DivU(long a, long b)
    {
        if (b == 0)
        {
            Traps.Throw(TrapKind.IntegerDivideByZero);
        }

        return (long)((ulong)a / (ulong)b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64RemS(long a, long b)
    {
        if (b == 0)
        {
            Traps.Throw(TrapKind.IntegerDivideByZero);
        }

        return b == -1 ? 0 : a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long I64RemU(long a, long b)
    {
        if (b == 0)
        {
            Traps.Throw(TrapKind.IntegerDivideByZero);
        }

        return (long)((ulong)a % (ulong)b);
    }

    public static int I32TruncF32S(float x) => I32TruncF64S(x);

    public static int I32TruncF32U(float x) => I32TruncF64U(x);

    public static int I32TruncF64S(double x)
    {
        if (double.IsNaN(x))
        {
            Traps.Throw(TrapKind.InvalidConversion);
        }

        if (!(x > -2147483649.0 && x < 2147483648.0))
        {
            Traps.Throw(TrapKind.IntegerOverflow);
        }

        return (int)x;
    }

    public static int I32TruncF64U(double x)
    {
        if (double.IsNaN(x))
        {
            Traps.Throw(TrapKind.InvalidConversion);
        }

        if (!(x > -1.0 && x < 4294967296.0))
        {
            Traps.Throw(TrapKind.IntegerOverflow);
        }

        return (int)(uint)x;
    }

    public static long I64TruncF32S(float x) => I64TruncF64S(x);

    public static long I64TruncF32U(float x) => I64TruncF64U(x);

    public static long I64TruncF64S(double x)
    {
        if (double.IsNaN(x))
        {
            Traps.Throw(TrapKind.InvalidConversion);
        }

        if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
        {
            Traps.Throw(TrapKind.IntegerOverflow);
        }

        return (long)x;
    }

    public static long I64TruncF64U(double x)
    {
        if (double.IsNaN(x))
        {
            Traps.Throw(TrapKind.InvalidConversion);
        }

        if (!(x > -1.0 && x < 18446744073709551616.0))
        {
            Traps.Throw(TrapKind.IntegerOverflow);
        }

        return (long)(ulong)x;
    }

    public static int I32TruncSatF32S(float x) => I32TruncSatF64S(x);

    public static int I32TruncSatF32U(float x) => I32TruncSatF64U(x);

    public static int I32TruncSatF64S(double x) =>
        double.IsNaN(x) ? 0 : x <= int.MinValue ? int.MinValue : x >= int.MaxValue ? int.MaxValue : (int)x;

    public static int I32TruncSatF64U(double x) =>
        double.IsNaN(x) || x <= 0 ? 0 : x >= uint.MaxValue ? -1 : (int)(uint)x;

    public static long I64TruncSatF32S(float x) => I64TruncSatF64S(x);

    public static long I64TruncSatF32U(float x) => I64TruncSatF64U(x);

    public static long I64TruncSatF64S(double x) =>
        double.IsNaN(x) ? 0 : x <= -9223372036854775808.0 ? long.MinValue : x >= 9223372036854775808.0 ? long.MaxValue : (long)x;

    public static long I64TruncSatF64U(double x) =>
        double.IsNaN(x) || x <= 0 ? 0 : x >= 18446744073709551616.0 ? -1 : (long)(ulong)x;

    /// <summary>u64 to f32 with a single rounding (halving with a sticky bit keeps round-to-nearest-even exact).</summary>
    public static float F32ConvertI64U(long v)
    {
        var u = (ulong)v;
        if (u < 0x8000_0000_0000_0000UL)
        {
            return (long)u;
        }

        return (long)((u >> 1) | (u & 1)) * 2f;
    }

    public static double F64ConvertI64U(long v)
    {
        var u = (ulong)v;
        if (u < 0x8000_0000_0000_0000UL)
        {
            return (long)u;
        }

        return (long)((u >> 1) | (u & 1)) * 2.0;
    }

    /// <summary>f32 from i64 (signed) with a single rounding.</summary>
    public static float F32ConvertI64S(long v)
    {
        // (float)long in .NET may round through double; round once via the magnitude path instead.
        if (v >= -(1L << 53) && v <= (1L << 53))
        {
            return (float)(double)v;
        }

        var neg = v < 0;
        var u = neg ? (ulong)-v : (ulong)v;
        var shift = 64 - System.Numerics.BitOperations.LeadingZeroCount(u) - 53;
        var sticky = (u & ((1UL << shift) - 1)) != 0 ? 1UL : 0UL;
        var mag = (double)((u >> shift) | sticky) * Math.Pow(2, shift);
        var f = (float)mag;
        return neg ? -f : f;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float F32FromBits(int bits) => BitConverter.Int32BitsToSingle(bits);

    public static float F32Min(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Min(a, b);

    public static float F32Max(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Max(a, b);

    public static double F64Min(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Min(a, b);

    public static double F64Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Max(a, b);

    public static float F32Nearest(float x) => MathF.Round(x, MidpointRounding.ToEven);

    public static double F64Nearest(double x) => Math.Round(x, MidpointRounding.ToEven);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CanonF32(float x) => float.IsNaN(x) ? CanonicalF32Value() : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double CanonF64(double x) => double.IsNaN(x) ? CanonicalF64Value() : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SelectI32(int a, int b, int c) => c != 0 ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SelectI64(long a, long b, int c) => c != 0 ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectF32(float a, float b, int c) => c != 0 ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SelectF64(double a, double b, int c) => c != 0 ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object? SelectRef(object? a, object? b, int c) => c != 0 ? a : b;

    // The positive quiet NaN with an empty payload: what every machine returns in deterministic mode.
    private static float CanonicalF32Value() => BitConverter.Int32BitsToSingle(0x7FC0_0000);

    private static double CanonicalF64Value() => BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);
}
#pragma warning restore CS1591
