using System.Numerics;
using System.Reflection.Emit;
using Cairn.Wasm.Runtime;
using Cairn.Wasm.Validation;

namespace Cairn.Wasm.Compilation;

/// <summary>Numeric instructions: straight IL where its semantics match wasm, helpers where they do not.</summary>
internal sealed partial class FunctionCompiler
{
    private void EmitNumeric(byte op)
    {
        var (_, _, arity, result) = OpTables.Numeric[op]!.Value;
        for (var i = 0; i < arity; i++)
        {
            Pop();
        }

        Push(result);
        switch (op)
        {
            // i32 / i64 tests and comparisons
            case 0x45: _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Ceq); return;
            case 0x50: _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Conv_I8); _il.Emit(OpCodes.Ceq); return;
            case 0x46 or 0x51 or 0x5B or 0x61: _il.Emit(OpCodes.Ceq); return;
            case 0x47 or 0x52 or 0x5C or 0x62: _il.Emit(OpCodes.Ceq); Not(); return;
            case 0x48 or 0x53 or 0x5D or 0x63: _il.Emit(OpCodes.Clt); return;
            case 0x49 or 0x54: _il.Emit(OpCodes.Clt_Un); return;
            case 0x4A or 0x55 or 0x5E or 0x64: _il.Emit(OpCodes.Cgt); return;
            case 0x4B or 0x56: _il.Emit(OpCodes.Cgt_Un); return;
            case 0x4C or 0x57: _il.Emit(OpCodes.Cgt); Not(); return;
            case 0x4D or 0x58: _il.Emit(OpCodes.Cgt_Un); Not(); return;
            case 0x4E or 0x59: _il.Emit(OpCodes.Clt); Not(); return;
            case 0x4F or 0x5A: _il.Emit(OpCodes.Clt_Un); Not(); return;

            // Float le/ge must be false on NaN: !(a >unordered b).
            case 0x5F or 0x65: _il.Emit(OpCodes.Cgt_Un); Not(); return;
            case 0x60 or 0x66: _il.Emit(OpCodes.Clt_Un); Not(); return;

            // i32 arithmetic
            case 0x67: Call(typeof(BitOperations), nameof(BitOperations.LeadingZeroCount), typeof(uint)); return;
            case 0x68: Call(typeof(BitOperations), nameof(BitOperations.TrailingZeroCount), typeof(int)); return;
            case 0x69: Call(typeof(BitOperations), nameof(BitOperations.PopCount), typeof(uint)); return;
            case 0x6A or 0x7C: _il.Emit(OpCodes.Add); return;
            case 0x6B or 0x7D: _il.Emit(OpCodes.Sub); return;
            case 0x6C or 0x7E: _il.Emit(OpCodes.Mul); return;
            case 0x6D: CallHelper(nameof(NumOps.I32DivS)); return;
            case 0x6E: CallHelper(nameof(NumOps.I32DivU)); return;
            case 0x6F: CallHelper(nameof(NumOps.I32RemS)); return;
            case 0x70: CallHelper(nameof(NumOps.I32RemU)); return;
            case 0x71 or 0x83: _il.Emit(OpCodes.And); return;
            case 0x72 or 0x84: _il.Emit(OpCodes.Or); return;
            case 0x73 or 0x85: _il.Emit(OpCodes.Xor); return;
            case 0x74: Shift32(OpCodes.Shl); return;
            case 0x75: Shift32(OpCodes.Shr); return;
            case 0x76: Shift32(OpCodes.Shr_Un); return;
            case 0x77: Call(typeof(BitOperations), nameof(BitOperations.RotateLeft), typeof(uint), typeof(int)); return;
            case 0x78: Call(typeof(BitOperations), nameof(BitOperations.RotateRight), typeof(uint), typeof(int)); return;

            // i64 arithmetic
            case 0x79: Call(typeof(BitOperations), nameof(BitOperations.LeadingZeroCount), typeof(ulong)); _il.Emit(OpCodes.Conv_I8); return;
            case 0x7A: Call(typeof(BitOperations), nameof(BitOperations.TrailingZeroCount), typeof(long)); _il.Emit(OpCodes.Conv_I8); return;
            case 0x7B: Call(typeof(BitOperations), nameof(BitOperations.PopCount), typeof(ulong)); _il.Emit(OpCodes.Conv_I8); return;
            case 0x7F: CallHelper(nameof(NumOps.I64DivS)); return;
            case 0x80: CallHelper(nameof(NumOps.I64DivU)); return;
            case 0x81: CallHelper(nameof(NumOps.I64RemS)); return;
            case 0x82: CallHelper(nameof(NumOps.I64RemU)); return;
            case 0x86: Shift64(OpCodes.Shl); return;
            case 0x87: Shift64(OpCodes.Shr); return;
            case 0x88: Shift64(OpCodes.Shr_Un); return;
            case 0x89: _il.Emit(OpCodes.Conv_I4); Call(typeof(BitOperations), nameof(BitOperations.RotateLeft), typeof(ulong), typeof(int)); return;
            case 0x8A: _il.Emit(OpCodes.Conv_I4); Call(typeof(BitOperations), nameof(BitOperations.RotateRight), typeof(ulong), typeof(int)); return;

            // f32
            case 0x8B: Call(typeof(MathF), nameof(MathF.Abs), typeof(float)); return;
            case 0x8C or 0x9A: _il.Emit(OpCodes.Neg); return;
            case 0x8D: Call(typeof(MathF), nameof(MathF.Ceiling), typeof(float)); Canon32(); return;
            case 0x8E: Call(typeof(MathF), nameof(MathF.Floor), typeof(float)); Canon32(); return;
            case 0x8F: Call(typeof(MathF), nameof(MathF.Truncate), typeof(float)); Canon32(); return;
            case 0x90: CallHelper(nameof(NumOps.F32Nearest)); Canon32(); return;
            case 0x91: Call(typeof(MathF), nameof(MathF.Sqrt), typeof(float)); Canon32(); return;
            case 0x92: _il.Emit(OpCodes.Add); Canon32(); return;
            case 0x93: _il.Emit(OpCodes.Sub); Canon32(); return;
            case 0x94: _il.Emit(OpCodes.Mul); Canon32(); return;
            case 0x95: _il.Emit(OpCodes.Div); Canon32(); return;
            case 0x96: CallHelper(nameof(NumOps.F32Min)); Canon32(); return;
            case 0x97: CallHelper(nameof(NumOps.F32Max)); Canon32(); return;
            case 0x98: Call(typeof(MathF), nameof(MathF.CopySign), typeof(float), typeof(float)); return;

            // f64
            case 0x99: Call(typeof(Math), nameof(Math.Abs), typeof(double)); return;
            case 0x9B: Call(typeof(Math), nameof(Math.Ceiling), typeof(double)); Canon64(); return;
            case 0x9C: Call(typeof(Math), nameof(Math.Floor), typeof(double)); Canon64(); return;
            case 0x9D: Call(typeof(Math), nameof(Math.Truncate), typeof(double)); Canon64(); return;
            case 0x9E: CallHelper(nameof(NumOps.F64Nearest)); Canon64(); return;
            case 0x9F: Call(typeof(Math), nameof(Math.Sqrt), typeof(double)); Canon64(); return;
            case 0xA0: _il.Emit(OpCodes.Add); Canon64(); return;
            case 0xA1: _il.Emit(OpCodes.Sub); Canon64(); return;
            case 0xA2: _il.Emit(OpCodes.Mul); Canon64(); return;
            case 0xA3: _il.Emit(OpCodes.Div); Canon64(); return;
            case 0xA4: CallHelper(nameof(NumOps.F64Min)); Canon64(); return;
            case 0xA5: CallHelper(nameof(NumOps.F64Max)); Canon64(); return;
            case 0xA6: Call(typeof(Math), nameof(Math.CopySign), typeof(double), typeof(double)); return;

            // conversions
            case 0xA7: _il.Emit(OpCodes.Conv_I4); return;
            case 0xA8: CallHelper(nameof(NumOps.I32TruncF32S)); return;
            case 0xA9: CallHelper(nameof(NumOps.I32TruncF32U)); return;
            case 0xAA: CallHelper(nameof(NumOps.I32TruncF64S)); return;
            case 0xAB: CallHelper(nameof(NumOps.I32TruncF64U)); return;
            case 0xAC: _il.Emit(OpCodes.Conv_I8); return;
            case 0xAD: _il.Emit(OpCodes.Conv_U8); return;
            case 0xAE: CallHelper(nameof(NumOps.I64TruncF32S)); return;
            case 0xAF: CallHelper(nameof(NumOps.I64TruncF32U)); return;
            case 0xB0: CallHelper(nameof(NumOps.I64TruncF64S)); return;
            case 0xB1: CallHelper(nameof(NumOps.I64TruncF64U)); return;
            case 0xB2: _il.Emit(OpCodes.Conv_R8); _il.Emit(OpCodes.Conv_R4); return;
            case 0xB3: _il.Emit(OpCodes.Conv_R_Un); _il.Emit(OpCodes.Conv_R4); return;
            case 0xB4: CallHelper(nameof(NumOps.F32ConvertI64S)); return;
            case 0xB5: CallHelper(nameof(NumOps.F32ConvertI64U)); return;
            case 0xB6: _il.Emit(OpCodes.Conv_R4); Canon32(); return;
            case 0xB7: _il.Emit(OpCodes.Conv_R8); return;
            case 0xB8: _il.Emit(OpCodes.Conv_R_Un); _il.Emit(OpCodes.Conv_R8); return;
            case 0xB9: _il.Emit(OpCodes.Conv_R8); return;
            case 0xBA: CallHelper(nameof(NumOps.F64ConvertI64U)); return;
            case 0xBB: _il.Emit(OpCodes.Conv_R8); Canon64(); return;
            case 0xBC: Call(typeof(BitConverter), nameof(BitConverter.SingleToInt32Bits), typeof(float)); return;
            case 0xBD: Call(typeof(BitConverter), nameof(BitConverter.DoubleToInt64Bits), typeof(double)); return;
            case 0xBE: Call(typeof(BitConverter), nameof(BitConverter.Int32BitsToSingle), typeof(int)); return;
            case 0xBF: Call(typeof(BitConverter), nameof(BitConverter.Int64BitsToDouble), typeof(long)); return;

            // sign extension
            case 0xC0: _il.Emit(OpCodes.Conv_I1); return;
            case 0xC1: _il.Emit(OpCodes.Conv_I2); return;
            case 0xC2: _il.Emit(OpCodes.Conv_I1); _il.Emit(OpCodes.Conv_I8); return;
            case 0xC3: _il.Emit(OpCodes.Conv_I2); _il.Emit(OpCodes.Conv_I8); return;
            case 0xC4: _il.Emit(OpCodes.Conv_I4); _il.Emit(OpCodes.Conv_I8); return;
            default:
                throw new CairnException(ErrorCode.Internal, $"compiler: unexpected numeric opcode 0x{op:x2}");
        }
    }

    private void Not()
    {
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Ceq);
    }

    private void Shift32(OpCode shift)
    {
        _il.Emit(OpCodes.Ldc_I4, 31);
        _il.Emit(OpCodes.And);
        _il.Emit(shift);
    }

    private void Shift64(OpCode shift)
    {
        _il.Emit(OpCodes.Conv_I4);
        _il.Emit(OpCodes.Ldc_I4, 63);
        _il.Emit(OpCodes.And);
        _il.Emit(shift);
    }

    private void Call(Type type, string name, params Type[] args) => EmitCall(Method(type, name, args));

    private void CallHelper(string name) => EmitCall(Helper(typeof(NumOps), name));

    private void Canon32()
    {
        if (_options.CanonicalizeNaN)
        {
            // x == x is false only for NaN: then replace it with the canonical NaN's bits.
            var ok = _il.DefineLabel();
            _il.Emit(OpCodes.Dup);
            _il.Emit(OpCodes.Dup);
            _il.Emit(OpCodes.Beq, ok);
            _il.Emit(OpCodes.Pop);
            _il.Emit(OpCodes.Ldc_I4, 0x7FC0_0000);
            EmitCall(Helper(typeof(NumOps), nameof(NumOps.F32FromBits)));
            _il.MarkLabel(ok);
        }
    }

    private void Canon64()
    {
        if (_options.CanonicalizeNaN)
        {
            var ok = _il.DefineLabel();
            _il.Emit(OpCodes.Dup);
            _il.Emit(OpCodes.Dup);
            _il.Emit(OpCodes.Beq, ok);
            _il.Emit(OpCodes.Pop);
            _il.Emit(OpCodes.Ldc_R8, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000));
            _il.MarkLabel(ok);
        }
    }
}
