using System.Reflection.Emit;
using Cairn.Wasm.Runtime;
using Cairn.Wasm.Validation;

namespace Cairn.Wasm.Compilation;

/// <summary>Loads, stores, memory.size/grow and the bulk memory operations.</summary>
internal sealed partial class FunctionCompiler
{
    private static readonly string[] s_memOpNames =
    [
        "LoadI32", "LoadI64", "LoadF32", "LoadF64", "LoadI32S8", "LoadI32U8", "LoadI32S16", "LoadI32U16",
        "LoadI64S8", "LoadI64U8", "LoadI64S16", "LoadI64U16", "LoadI64S32", "LoadI64U32",
        "StoreI32", "StoreI64", "StoreF32", "StoreF64", "StoreI32U8", "StoreI32U16", "StoreI64U8", "StoreI64U16", "StoreI64U32",
    ];

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
            _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.MemoryGrow)));
            ReloadMemory();
            return;
        }

        _r.ReadU32();
        var offset = _r.ReadU32();
        var (type, _, store) = OpTables.Memory(op);
        _il.Emit(OpCodes.Ldloc, _mem!);
        _il.Emit(OpCodes.Ldc_I4, unchecked((int)offset));
        var helper = Helper(typeof(MemOps), s_memOpNames[op - 0x28]);
        if (store)
        {
            Pop();
            Pop();
            _il.Emit(OpCodes.Call, helper);
        }
        else
        {
            Pop();
            _il.Emit(OpCodes.Call, helper);
            Push(type);
        }
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
                _il.Emit(OpCodes.Call, Helper(typeof(NumOps), names[sub]));
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
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.MemoryInit)));
                return;
            }

            case 9:
                _il.Emit(OpCodes.Ldloc, _inst);
                _il.Emit(OpCodes.Ldc_I4, (int)_r.ReadU32());
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.DataDrop)));
                return;
            case 10:
                _r.ReadByte();
                _r.ReadByte();
                Pop3();
                _il.Emit(OpCodes.Ldloc, _mem!);
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.MemoryCopy)));
                return;
            case 11:
                _r.ReadByte();
                Pop3();
                _il.Emit(OpCodes.Ldloc, _mem!);
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.MemoryFill)));
                return;
            case 12:
            {
                var seg = (int)_r.ReadU32();
                var table = (int)_r.ReadU32();
                Pop3();
                _il.Emit(OpCodes.Ldloc, _inst);
                _il.Emit(OpCodes.Ldc_I4, seg);
                _il.Emit(OpCodes.Ldc_I4, table);
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableInit)));
                return;
            }

            case 13:
                _il.Emit(OpCodes.Ldloc, _inst);
                _il.Emit(OpCodes.Ldc_I4, (int)_r.ReadU32());
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.ElemDrop)));
                return;
            case 14:
            {
                var dst = (int)_r.ReadU32();
                var src = (int)_r.ReadU32();
                Pop3();
                _il.Emit(OpCodes.Ldloc, _inst);
                _il.Emit(OpCodes.Ldc_I4, dst);
                _il.Emit(OpCodes.Ldc_I4, src);
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableCopy)));
                return;
            }

            case 15:
                Pop();
                Pop();
                LoadTable((int)_r.ReadU32());
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableGrow)));
                Push(ValType.I32);
                return;
            case 16:
                LoadTable((int)_r.ReadU32());
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableSize)));
                Push(ValType.I32);
                return;
            case 17:
                Pop3();
                LoadTable((int)_r.ReadU32());
                _il.Emit(OpCodes.Call, Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableFill)));
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
        _il.Emit(OpCodes.Ldfld, s_tables);
        _il.Emit(OpCodes.Ldc_I4, index);
        _il.Emit(OpCodes.Ldelem_Ref);
    }
}
