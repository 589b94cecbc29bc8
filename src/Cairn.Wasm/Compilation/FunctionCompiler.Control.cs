using System.Reflection.Emit;
using Cairn.Wasm.Runtime;

namespace Cairn.Wasm.Compilation;

/// <summary>Blocks, branches, calls and returns.</summary>
internal sealed partial class FunctionCompiler
{
    private static readonly System.Reflection.FieldInfo s_functionContext =
        typeof(WasmFunction).GetField("Context", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;

    private static readonly System.Reflection.FieldInfo s_functionCode =
        typeof(WasmFunction).GetField("Code", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;

    private LocalBuilder? _fnLocal;

    private void EmitControl(byte op)
    {
        switch (op)
        {
            case 0x00:
                EmitThrow(TrapKind.Unreachable);
                SetDead();
                return;
            case 0x01:
                return;
            case 0x02:
            {
                var (i, o) = ReadBlockType();
                _frames.Add(new Frame { Op = op, Params = i, Results = o, Height = _stack.Count - i.Length, End = _il.DefineLabel() });
                return;
            }

            case 0x03:
            {
                var (i, o) = ReadBlockType();
                ChargeFuel();
                var frame = new Frame { Op = op, Params = i, Results = o, Height = _stack.Count - i.Length, End = _il.DefineLabel(), Loop = _il.DefineLabel() };
                _frames.Add(frame);
                _il.MarkLabel(frame.Loop);
                SpillFuel();
                EmitInterruptCheck();
                return;
            }

            case 0x04:
            {
                var (i, o) = ReadBlockType();
                ChargeFuel();
                Pop();
                var frame = new Frame { Op = op, Params = i, Results = o, Height = _stack.Count - i.Length, End = _il.DefineLabel(), Else = _il.DefineLabel() };
                _frames.Add(frame);
                _il.Emit(OpCodes.Brfalse, frame.Else);
                return;
            }

            case 0x05:
            {
                var frame = _frames[^1];
                if (!frame.Dead)
                {
                    ChargeFuel();
                    _il.Emit(OpCodes.Br, frame.End);
                    frame.Branched = true;
                }

                _cost = 0;
                _il.MarkLabel(frame.Else);
                frame.HasElse = true;
                frame.Dead = false;
                _deadDepth = 0;
                _stack.RemoveRange(frame.Height, _stack.Count - frame.Height);
                _stack.AddRange(frame.Params);
                return;
            }

            case 0x0B:
                EndFrame();
                return;
            case 0x0C:
                ChargeFuel();
                BranchTo(Target(_r.ReadU32()));
                SetDead();
                return;
            case 0x0D:
                ChargeFuel();
                Pop();
                BranchIf(Target(_r.ReadU32()));
                return;
            case 0x0E:
                EmitBrTable();
                return;
            case 0x0F:
                ChargeFuel();
                BranchTo(_frames[0]);
                SetDead();
                return;
            case 0x10:
                EmitCall((int)_r.ReadU32());
                return;
            case 0x11:
                EmitCallIndirect((int)_r.ReadU32(), (int)_r.ReadU32());
                return;
            default:
                throw new CairnException(ErrorCode.Internal, $"compiler: unexpected control opcode 0x{op:x2}");
        }
    }

    private Frame Target(uint depth) => _frames[_frames.Count - 1 - (int)depth];

    private void SetDead()
    {
        var frame = _frames[^1];
        frame.Dead = true;
        _deadDepth = 0;
        _stack.RemoveRange(frame.Height, _stack.Count - frame.Height);
    }

    private void EndFrame()
    {
        var f = _frames[^1];
        if (!f.Dead)
        {
            ChargeFuel();
        }

        _cost = 0;
        var reachable = !f.Dead;
        if (f.Op == 0x04 && !f.HasElse)
        {
            _il.MarkLabel(f.Else);
            reachable = true;
        }

        if (f.Branched)
        {
            _il.MarkLabel(f.End);
            reachable = true;
        }

        _frames.RemoveAt(_frames.Count - 1);
        _stack.RemoveRange(f.Height, _stack.Count - f.Height);
        _stack.AddRange(f.Results);
        if (_frames.Count == 0)
        {
            if (reachable)
            {
                EmitEpilogue();
            }

            return;
        }

        if (!reachable)
        {
            SetDead();
        }
    }

    private void EmitEpilogue()
    {
        SpillFuel();
        if (!_leaf)
        {
            _il.Emit(OpCodes.Ldloc, _inst);
            _il.Emit(OpCodes.Ldloc, _inst);
            _calls.EmitField(_il, OpCodes.Ldfld, s_depth);
            _il.Emit(OpCodes.Ldc_I4_1);
            _il.Emit(OpCodes.Sub);
            _calls.EmitField(_il, OpCodes.Stfld, s_depth);
        }

        var results = _type.Results;
        if (results.Length > 1)
        {
            for (var i = results.Length - 1; i >= 0; i--)
            {
                _il.Emit(OpCodes.Ldc_I4, i);
                EmitCall(Helper(typeof(MultiValue), "Set" + IlTypes.Suffix(results[i])));
            }
        }

        _il.Emit(OpCodes.Ret);
    }

    /// <summary>Unconditional branch: keeps the label's values, drops what lies between them and the target's base.</summary>
    private void BranchTo(Frame target)
    {
        var types = target.LabelTypes;
        var extra = _stack.Count - target.Height - types.Length;
        if (extra > 0)
        {
            for (var i = types.Length - 1; i >= 0; i--)
            {
                _il.Emit(OpCodes.Stloc, Temp(types[i], i));
            }

            for (var e = 0; e < extra; e++)
            {
                _il.Emit(OpCodes.Pop);
            }

            for (var i = 0; i < types.Length; i++)
            {
                _il.Emit(OpCodes.Ldloc, Temp(types[i], i));
            }
        }

        _il.Emit(OpCodes.Br, LabelOf(target));
    }

    private static Label LabelOf(Frame target)
    {
        if (target.Op == 0x03)
        {
            return target.Loop;
        }

        target.Branched = true;
        return target.End;
    }

    private void BranchIf(Frame target)
    {
        var extra = _stack.Count - target.Height - target.LabelTypes.Length;
        if (extra == 0)
        {
            _il.Emit(OpCodes.Brtrue, LabelOf(target));
            return;
        }

        var skip = _il.DefineLabel();
        _il.Emit(OpCodes.Brfalse, skip);
        BranchTo(target);
        _il.MarkLabel(skip);
    }

    private void EmitBrTable()
    {
        var n = (int)_r.ReadU32();
        var depths = new uint[n + 1];
        for (var i = 0; i <= n; i++)
        {
            depths[i] = _r.ReadU32();
        }

        ChargeFuel();
        Pop();
        var labels = new Dictionary<uint, Label>();
        var stubs = new List<(Label Stub, Frame Target)>();
        foreach (var d in depths)
        {
            if (labels.ContainsKey(d))
            {
                continue;
            }

            var target = Target(d);
            if (_stack.Count - target.Height - target.LabelTypes.Length == 0)
            {
                labels[d] = LabelOf(target);
            }
            else
            {
                var stub = _il.DefineLabel();
                labels[d] = stub;
                stubs.Add((stub, target));
            }
        }

        var table = new Label[n];
        for (var i = 0; i < n; i++)
        {
            table[i] = labels[depths[i]];
        }

        if (n > 0)
        {
            _il.Emit(OpCodes.Switch, table);
        }
        else
        {
            _il.Emit(OpCodes.Pop);
        }

        _il.Emit(OpCodes.Br, labels[depths[n]]);
        foreach (var (stub, target) in stubs)
        {
            _il.MarkLabel(stub);
            BranchTo(target);
        }

        SetDead();
    }

    private void EmitCall(int f)
    {
        var t = _m.FunctionTypes[f];
        ChargeFuel();
        SpillFuel();
        if (f >= _m.ImportedFunctionCount)
        {
            // Through the module's code table: a zero entry is a function not compiled yet.
            var local = f - _m.ImportedFunctionCount;
            var ready = _il.DefineLabel();
            _il.Emit(OpCodes.Ldloc, _inst);
            _il.Emit(OpCodes.Ldloc, _inst);
            _calls.EmitField(_il, OpCodes.Ldfld, s_code);
            _il.Emit(OpCodes.Ldc_I4, local);
            _il.Emit(OpCodes.Ldelem_I);
            _il.Emit(OpCodes.Dup);
            _il.Emit(OpCodes.Brtrue, ready);
            _il.Emit(OpCodes.Pop);
            _il.Emit(OpCodes.Ldloc, _inst);
            _il.Emit(OpCodes.Ldc_I4, local);
            EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.ResolveCode)));
            _il.MarkLabel(ready);
            _il.EmitCalli(OpCodes.Calli, System.Reflection.CallingConventions.Standard, ModuleCompiler.ReturnType(t), ModuleCompiler.ParameterTypes(t), null);
        }
        else
        {
            _il.Emit(OpCodes.Ldloc, _inst);
            _calls.EmitField(_il, OpCodes.Ldfld, s_functions);
            _il.Emit(OpCodes.Ldc_I4, f);
            _il.Emit(OpCodes.Ldelem_Ref);
            EmitCallFunctionObject(t);
        }

        AfterCall(t);
    }

    private void EmitCallIndirect(int typeIndex, int table)
    {
        var t = _m.Types[typeIndex];
        ChargeFuel();
        SpillFuel();
        Pop();
        _il.Emit(OpCodes.Ldloc, _inst);
        _calls.EmitField(_il, OpCodes.Ldfld, s_tables);
        _il.Emit(OpCodes.Ldc_I4, table);
        _il.Emit(OpCodes.Ldelem_Ref);
        _il.Emit(OpCodes.Ldc_I4, t.Id);
        EmitCall(Helper(typeof(RuntimeOps), nameof(RuntimeOps.CallIndirect)));
        EmitCallFunctionObject(t);
        AfterCall(t);
    }

    /// <summary>Calls the <see cref="WasmFunction"/> on top of the stack (arguments below it) through its function pointer.</summary>
    private void EmitCallFunctionObject(FuncType t)
    {
        _fnLocal ??= _il.DeclareLocal(typeof(WasmFunction));
        _il.Emit(OpCodes.Stloc, _fnLocal);
        _il.Emit(OpCodes.Ldloc, _fnLocal);
        _calls.EmitField(_il, OpCodes.Ldfld, s_functionContext);
        _il.Emit(OpCodes.Ldloc, _fnLocal);
        _calls.EmitField(_il, OpCodes.Ldfld, s_functionCode);
        _il.EmitCalli(OpCodes.Calli, System.Reflection.CallingConventions.Standard, ModuleCompiler.ReturnType(t), ModuleCompiler.ParameterTypes(t), null);
    }

    private void AfterCall(FuncType t)
    {
        ReloadFuel();
        _stack.RemoveRange(_stack.Count - t.Params.Length, t.Params.Length);
        if (t.Results.Length == 1)
        {
            Push(t.Results[0]);
        }
        else if (t.Results.Length > 1)
        {
            for (var i = 0; i < t.Results.Length; i++)
            {
                _il.Emit(OpCodes.Ldc_I4, i);
                EmitCall(Helper(typeof(MultiValue), "Get" + IlTypes.Suffix(t.Results[i])));
                Push(t.Results[i]);
            }
        }

        ReloadMemory();
    }
}
