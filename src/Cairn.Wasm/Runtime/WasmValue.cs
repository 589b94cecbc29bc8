using System.Globalization;

namespace Cairn.Wasm.Runtime;

/// <summary>A WebAssembly value: a number as raw bits, or a reference.</summary>
public readonly record struct WasmValue(ValType Type, ulong Bits, object? Ref)
{
    /// <summary>The value as i32.</summary>
    public int I32 => (int)Bits;

    /// <summary>The value as i64.</summary>
    public long I64 => (long)Bits;

    /// <summary>The value as f32.</summary>
    public float F32 => BitConverter.Int32BitsToSingle((int)Bits);

    /// <summary>The value as f64.</summary>
    public double F64 => BitConverter.Int64BitsToDouble((long)Bits);

    /// <summary>An i32 value.</summary>
    public static WasmValue FromI32(int v) => new(ValType.I32, (uint)v, null);

    /// <summary>An i64 value.</summary>
    public static WasmValue FromI64(long v) => new(ValType.I64, (ulong)v, null);

    /// <summary>An f32 value.</summary>
    public static WasmValue FromF32(float v) => new(ValType.F32, (uint)BitConverter.SingleToInt32Bits(v), null);

    /// <summary>An f64 value.</summary>
    public static WasmValue FromF64(double v) => new(ValType.F64, (ulong)BitConverter.DoubleToInt64Bits(v), null);

    /// <summary>A funcref or externref value (null for ref.null).</summary>
    public static WasmValue FromRef(ValType type, object? value) => new(type, 0, value);

    /// <summary>The zero value of a type.</summary>
    public static WasmValue Default(ValType type) => new(type, 0, null);

    internal object? Box() => Type switch
    {
        ValType.I32 => I32,
        ValType.I64 => I64,
        ValType.F32 => F32,
        ValType.F64 => F64,
        _ => Ref,
    };

    internal static WasmValue Unbox(ValType type, object? boxed) => type switch
    {
        ValType.I32 => FromI32((int)boxed!),
        ValType.I64 => FromI64((long)boxed!),
        ValType.F32 => FromF32((float)boxed!),
        ValType.F64 => FromF64((double)boxed!),
        _ => FromRef(type, boxed),
    };

    /// <inheritdoc/>
    public override string ToString() => Type switch
    {
        ValType.I32 => $"i32:{I32.ToString(CultureInfo.InvariantCulture)}",
        ValType.I64 => $"i64:{I64.ToString(CultureInfo.InvariantCulture)}",
        ValType.F32 => $"f32:{F32.ToString("R", CultureInfo.InvariantCulture)}",
        ValType.F64 => $"f64:{F64.ToString("R", CultureInfo.InvariantCulture)}",
        _ => $"{FuncType.Name(Type)}:{Ref ?? "null"}",
    };
}
