using System.Reflection;
using System.Reflection.Emit;
using Cairn.Wasm.Runtime;

namespace Cairn.Wasm.Compilation;

/// <summary>Locals, globals and table.get/set.</summary>
internal sealed partial class FunctionCompiler
{
    private static readonly FieldInfo s_globalBits = typeof(WasmGlobal).GetField("Bits", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo s_globalRef = typeof(WasmGlobal).GetField("Ref", BindingFlags.NonPublic | BindingFlags.Instance)!;

    private void EmitVariable(byte op)
    {
        var index = (int)_r.ReadU32();
        switch (op)
        {
            case 0x20:
                LoadLocal(index);
                Push(_locals[index]);
                return;
            case 0x21:
                Pop();
                StoreLocal(index);
                return;
            case 0x22:
                _il.Emit(OpCodes.Dup);
                StoreLocal(index);
                return;
            case 0x23:
            {
                var t = _m.GlobalTypes[index].Type;
                LoadGlobalObject(index);
                if (t is ValType.FuncRef or ValType.ExternRef)
                {
                    _calls.EmitField(_il, OpCodes.Ldfld, s_globalRef);
                }
                else
                {
                    _calls.EmitField(_il, OpCodes.Ldfld, s_globalBits);
                    switch (t)
                    {
                        case ValType.I32: _il.Emit(OpCodes.Conv_I4); break;
                        case ValType.F32:
                            _il.Emit(OpCodes.Conv_I4);
                            EmitCall(Method(typeof(BitConverter), nameof(BitConverter.Int32BitsToSingle), typeof(int)));
                            break;
                        case ValType.F64:
                            EmitCall(Method(typeof(BitConverter), nameof(BitConverter.Int64BitsToDouble), typeof(long)));
                            break;
                        default: break;
                    }
                }

                Push(t);
                return;
            }

            case 0x24:
            {
                var t = Pop();
                var temp = Temp(t, 0);
                _il.Emit(OpCodes.Stloc, temp);
                LoadGlobalObject(index);
                _il.Emit(OpCodes.Ldloc, temp);
                if (t is ValType.FuncRef or ValType.ExternRef)
                {
                    _calls.EmitField(_il, OpCodes.Stfld, s_globalRef);
                    return;
                }

                switch (t)
                {
                    case ValType.I32: _il.Emit(OpCodes.Conv_U8); break;
                    case ValType.F32:
                        EmitCall(Method(typeof(BitConverter), nameof(BitConverter.SingleToInt32Bits), typeof(float)));
                        _il.Emit(OpCodes.Conv_U8);
                        break;
                    case ValType.F64:
                        EmitCall(Method(typeof(BitConverter), nameof(BitConverter.DoubleToInt64Bits), typeof(double)));
                        break;
                    default: break;
                }

                _calls.EmitField(_il, OpCodes.Stfld, s_globalBits);
                return;
            }

            case 0x25:
                LoadTable(index);
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableGet)));
                Pop();
                Push(_m.TableTypes[index].Element);
                return;
            default:
                LoadTable(index);
                EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.TableSet)));
                Pop();
                Pop();
                return;
        }
    }

    private void LoadGlobalObject(int index)
    {
        _il.Emit(OpCodes.Ldloc, _inst);
        _calls.EmitField(_il, OpCodes.Ldfld, s_globals);
        _il.Emit(OpCodes.Ldc_I4, index);
        _il.Emit(OpCodes.Ldelem_Ref);
    }

    private void LoadLocal(int index)
    {
        if (index < _type.Params.Length)
        {
            _il.Emit(OpCodes.Ldarg, index);
        }
        else
        {
            _il.Emit(OpCodes.Ldloc, _localBuilders[index]);
        }
    }

    private void StoreLocal(int index)
    {
        if (index < _type.Params.Length)
        {
            _il.Emit(OpCodes.Starg, index);
        }
        else
        {
            _il.Emit(OpCodes.Stloc, _localBuilders[index]);
        }
    }
}
