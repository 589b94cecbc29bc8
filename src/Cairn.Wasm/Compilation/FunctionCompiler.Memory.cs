using System.Reflection.Emit;
using Cairn.Wasm.Runtime;
using Cairn.Wasm.Validation;

namespace Cairn.Wasm.Compilation;

/// <summary>Loads, stores, memory.size/grow and the bulk memory operations.</summary>
internal sealed partial class FunctionCompiler
{
    private LocalBuilder? _ea;

    private void EmitMemory(byte op)
    {
        if (op == 0x3F)
        {
            _r.ReadByte();
            _il.Emit(OpCodes.Ldloc, _mem!);
            _il.Emit(OpCodes.Ldlen);
            _il.Emit(OpCodes.Conv_I4);
            _il.Emit(OpCodes.Ldc_I4, 16);
            _il.Emit(OpCodes.Shr_Un);
            Push(ValType.I32);
            return;
        }

        if (op == 0x40)
        {
            _r.ReadByte();
            _il.Emit(OpCodes.Ldloc, _inst);
            EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.MemoryGrow)));
            ReloadMemory();
            return;
        }

        _r.ReadU32();
        var offset = _r.ReadU32();
        var (type, sizeLog2, store) = OpTables.Memory(op);
        LocalBuilder? value = null;
        if (store)
        {
            Pop();
            value = Temp(type, 0);
            _il.Emit(OpCodes.Stloc, value);
        }

        Pop();
        EmitEffectiveAddress(offset, 1 << sizeLog2);
        if (store)
        {
            _il.Emit(OpCodes.Ldloc, value!);
            if (type == ValType.I64 && sizeLog2 < 3)
            {
                _il.Emit(OpCodes.Conv_I4);
            }

            _il.Emit(OpCodes.Unaligned, (byte)1);
            _il.Emit(op switch
            {
                0x36 => OpCodes.Stind_I4,
                0x37 => OpCodes.Stind_I8,
                0x38 => OpCodes.Stind_R4,
                0x39 => OpCodes.Stind_R8,
                0x3A or 0x3C => OpCodes.Stind_I1,
                0x3B or 0x3D => OpCodes.Stind_I2,
                _ => OpCodes.Stind_I4,
            });
            return;
        }

        _il.Emit(OpCodes.Unaligned, (byte)1);
        switch (op)
        {
            case 0x28: _il.Emit(OpCodes.Ldind_I4); break;
            case 0x29: _il.Emit(OpCodes.Ldind_I8); break;
            case 0x2A: _il.Emit(OpCodes.Ldind_R4); break;
            case 0x2B: _il.Emit(OpCodes.Ldind_R8); break;
            case 0x2C: _il.Emit(OpCodes.Ldind_I1); break;
            case 0x2D: _il.Emit(OpCodes.Ldind_U1); break;
            case 0x2E: _il.Emit(OpCodes.Ldind_I2); break;
            case 0x2F: _il.Emit(OpCodes.Ldind_U2); break;
            case 0x30: _il.Emit(OpCodes.Ldind_I1); _il.Emit(OpCodes.Conv_I8); break;
            case 0x31: _il.Emit(OpCodes.Ldind_U1); _il.Emit(OpCodes.Conv_U8); break;
            case 0x32: _il.Emit(OpCodes.Ldind_I2); _il.Emit(OpCodes.Conv_I8); break;
            case 0x33: _il.Emit(OpCodes.Ldind_U2); _il.Emit(OpCodes.Conv_U8); break;
            case 0x34: _il.Emit(OpCodes.Ldind_I4); _il.Emit(OpCodes.Conv_I8); break;
            default: _il.Emit(OpCodes.Ldind_U4); _il.Emit(OpCodes.Conv_U8); break;
        }

        Push(type);
    }

    /// <summary>
    /// Turns the i32 address on the stack into a byte reference into the memory array, trapping unless
    /// address + offset + size fits: one 64-bit compare, no overflow possible (both terms are below 2^33).
    /// Emitted inline rather than as helper calls so large functions do not drown the JIT in inlinee temps.
    /// </summary>
    private void EmitEffectiveAddress(uint offset, int size)
    {
        _ea ??= _il.DeclareLocal(typeof(long));
        _il.Emit(OpCodes.Conv_U8);
        if (offset != 0)
        {
            _il.Emit(OpCodes.Ldc_I8, (long)offset);
            _il.Emit(OpCodes.Add);
        }

        _il.Emit(OpCodes.Dup);
        _il.Emit(OpCodes.Stloc, _ea);
        _il.Emit(OpCodes.Ldc_I8, (long)size);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldloc, _memLength!);
        EmitTrapIf(OpCodes.Ble_Un, TrapKind.MemoryOutOfBounds);
        _il.Emit(OpCodes.Ldloc, _memBase!);
        _il.Emit(OpCodes.Ldloc, _ea);
        _il.Emit(OpCodes.Conv_I);
        _il.Emit(OpCodes.Add);
    }

    private void EmitPrefixed(uint sub)
    {
        switch (sub)
        {
            case <= 7:
            {
                var (from, to) = OpTables.TruncSat[sub];
                string[] names = ["I32TruncSatF32S", "I32TruncSatF32U", "I32TruncSatF64S", "I32TruncSatF64U", "I64TruncSatF32S", "I64TruncSatF32U", "I64TruncSatF64S", "I64TruncSatF64U"];
                _ = from;
                Pop();
                EmitCall(Helper(typeof(NumOps), names[sub]));
                Push(to);
                return;
            }

            case 8:
            {
                var seg = (int)_r.ReadU32();
                _r.ReadByte();
                Pop3();
                _il.Emit(OpCodes.Ldloc, _inst);
                _il.Emit(OpCodes.Ldc_I4, seg);
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.MemoryInit)));
                return;
            }

            case 9:
                _il.Emit(OpCodes.Ldloc, _inst);
                _il.Emit(OpCodes.Ldc_I4, (int)_r.ReadU32());
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.DataDrop)));
                return;
            case 10:
                _r.ReadByte();
                _r.ReadByte();
                Pop3();
                _il.Emit(OpCodes.Ldloc, _mem!);
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.MemoryCopy)));
                return;
            case 11:
                _r.ReadByte();
                Pop3();
                _il.Emit(OpCodes.Ldloc, _mem!);
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.MemoryFill)));
                return;
            case 12:
            {
                var seg = (int)_r.ReadU32();
                var table = (int)_r.ReadU32();
                Pop3();
                _il.Emit(OpCodes.Ldloc, _inst);
                _il.Emit(OpCodes.Ldc_I4, seg);
                _il.Emit(OpCodes.Ldc_I4, table);
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableInit)));
                return;
            }

            case 13:
                _il.Emit(OpCodes.Ldloc, _inst);
                _il.Emit(OpCodes.Ldc_I4, (int)_r.ReadU32());
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.ElemDrop)));
                return;
            case 14:
            {
                var dst = (int)_r.ReadU32();
                var src = (int)_r.ReadU32();
                Pop3();
                _il.Emit(OpCodes.Ldloc, _inst);
                _il.Emit(OpCodes.Ldc_I4, dst);
                _il.Emit(OpCodes.Ldc_I4, src);
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableCopy)));
                return;
            }

            case 15:
                Pop();
                Pop();
                LoadTable((int)_r.ReadU32());
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableGrow)));
                Push(ValType.I32);
                return;
            case 16:
                LoadTable((int)_r.ReadU32());
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableSize)));
                Push(ValType.I32);
                return;
            case 17:
                Pop3();
                LoadTable((int)_r.ReadU32());
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableFill)));
                return;
            default:
                throw new CairnException(ErrorCode.Internal, $"compiler: unexpected opcode 0xfc {sub}");
        }
    }

    private void Pop3()
    {
        Pop();
        Pop();
        Pop();
    }

    private void LoadTable(int index)
    {
        _il.Emit(OpCodes.Ldloc, _inst);
        _calls.EmitField(_il, OpCodes.Ldfld, s_tables);
        _il.Emit(OpCodes.Ldc_I4, index);
        _il.Emit(OpCodes.Ldelem_Ref);
    }
}
