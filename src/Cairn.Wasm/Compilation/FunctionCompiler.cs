using System.Reflection;
using System.Reflection.Emit;
using Cairn.Wasm.Binary;
using Cairn.Wasm.Runtime;

namespace Cairn.Wasm.Compilation;

/// <summary>
/// Compiles one validated function body to IL in a single pass: wasm locals become IL locals, the wasm
/// operand stack is the IL evaluation stack, blocks become labels. Fuel is charged at every control
/// transfer for the instructions since the previous one (see docs/wasm.md).
/// </summary>
internal sealed partial class FunctionCompiler
{
    private static readonly FieldInfo s_fuel = Field(nameof(WasmInstance.Fuel));
    private static readonly FieldInfo s_interrupt = Field(nameof(WasmInstance.Interrupt));
    private static readonly FieldInfo s_depth = Field(nameof(WasmInstance.CallDepth));
    private static readonly FieldInfo s_maxDepth = Field(nameof(WasmInstance.MaxCallDepth));
    private static readonly FieldInfo s_memory = Field(nameof(WasmInstance.Memory));
    private static readonly FieldInfo s_functions = Field(nameof(WasmInstance.Functions));
    private static readonly FieldInfo s_globals = Field(nameof(WasmInstance.Globals));
    private static readonly FieldInfo s_tables = Field(nameof(WasmInstance.Tables));
    private static readonly FieldInfo s_code = Field(nameof(WasmInstance.Code));
    private static readonly MethodInfo s_arrayDataReference = typeof(RuntimeOps).GetMethod(nameof(RuntimeOps.Data))!;

    private static readonly FieldInfo s_memoryBytes = typeof(WasmMemory).GetField("Bytes", BindingFlags.NonPublic | BindingFlags.Instance)!;
    internal static readonly MethodInfo CreateTrapMethod = typeof(Traps).GetMethod(nameof(Traps.Create))!;
    internal static readonly MethodInfo InterruptedMethod = typeof(Traps).GetMethod(nameof(Traps.Interrupted))!;

    private readonly WasmModule _m;
    private readonly int _funcIndex;
    private readonly FuncType _type;
    private readonly CompileOptions _options;
    private readonly WasmReader _r;
    private readonly ValType[] _locals;
    private readonly List<ValType> _stack = [];
    private readonly List<Frame> _frames = [];
    private readonly Dictionary<(ValType, int), LocalBuilder> _temps = [];
    private ILGenerator _il = null!;
    private LocalBuilder[] _localBuilders = [];
    private LocalBuilder _inst = null!;
    private LocalBuilder? _mem;
    private bool _leaf;
    private LocalBuilder? _memBase;
    private LocalBuilder? _memLength;
    private LocalBuilder _fuel = null!;
    private int _cost;
    private int _deadDepth;

    private readonly CallTokens _calls;

    public FunctionCompiler(WasmModule m, int funcIndex, CompileOptions options, CallTokens calls)
    {
        _calls = calls;
        _m = m;
        _funcIndex = funcIndex;
        _type = m.FunctionTypes[funcIndex];
        _options = options;
        var body = m.Bodies[funcIndex - m.ImportedFunctionCount];
        _r = new WasmReader(m.Bytes, body.CodeStart, body.CodeEnd) { Section = "code" };
        _locals = [.. _type.Params, .. body.Locals];
    }

    private sealed class Frame
    {
        public byte Op;
        public ValType[] Params = [];
        public ValType[] Results = [];
        public int Height;
        public Label End;
        public Label Else;
        public Label Loop;
        public bool HasElse;
        public bool Branched;
        public bool Dead;

        public ValType[] LabelTypes => Op == 0x03 ? Params : Results;
    }

    private bool Dead => _frames[^1].Dead;

    public void Compile(ILGenerator il)
    {
        _il = il;
        _inst = il.DeclareLocal(typeof(WasmInstance));
        _localBuilders = new LocalBuilder[_locals.Length];
        for (var i = _type.Params.Length; i < _locals.Length; i++)
        {
            _localBuilders[i] = il.DeclareLocal(IlTypes.Of(_locals[i]));
        }

        // The context argument is always this function's own instance (callers guarantee it).
        il.Emit(OpCodes.Ldarg, _type.Params.Length);
        il.Emit(OpCodes.Stloc, _inst);
        EmitPrologue();
        var fn = new Frame { Op = 0xFF, Results = _type.Results, Height = 0, End = il.DefineLabel() };
        _frames.Add(fn);
        while (_frames.Count > 0)
        {
            var op = _r.ReadByte();
            if (Dead)
            {
                SkipDead(op);
                continue;
            }

            _cost++;
            Emit(op);
        }
    }

    /// <summary>
    /// A leaf without loops runs a bounded number of instructions and adds one frame: it needs neither
    /// the interrupt check nor the depth and stack checks (which dominate the cost of tiny callees
    /// such as qsort comparators). Found by a quick pass over the body.
    /// </summary>
    private bool IsStraightLeaf()
    {
        var start = _r.Position;
        try
        {
            while (!_r.AtEnd)
            {
                var op = _r.ReadByte();
                switch (op)
                {
                    case 0x03 or 0x10 or 0x11:
                        return false;
                    case 0x02 or 0x04:
                        ReadBlockType();
                        break;
                    default:
                        SkipImmediates(op);
                        break;
                }
            }

            return true;
        }
        finally
        {
            _r.Position = start;
        }
    }

    private void EmitPrologue()
    {
        _leaf = IsStraightLeaf();
        if (_leaf)
        {
            if (_locals.Length > 64)
            {
                EmitCall(typeof(System.Runtime.CompilerServices.RuntimeHelpers).GetMethod("EnsureSufficientExecutionStack")!);
            }

            _fuel = _il.DeclareLocal(typeof(long));
            ReloadFuel();
            DeclareMemoryLocals();
            return;
        }

        // Call depth: a trap, never a host stack overflow.
        _il.Emit(OpCodes.Ldloc, _inst);
        _il.Emit(OpCodes.Ldloc, _inst);
        _calls.EmitField(_il, OpCodes.Ldfld, s_depth);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Add);
        _calls.EmitField(_il, OpCodes.Stfld, s_depth);
        _il.Emit(OpCodes.Ldloc, _inst);
        _calls.EmitField(_il, OpCodes.Ldfld, s_depth);
        _il.Emit(OpCodes.Ldloc, _inst);
        _calls.EmitField(_il, OpCodes.Ldfld, s_maxDepth);
        EmitTrapIf(OpCodes.Ble, TrapKind.CallStackExhausted);
        // The depth limit alone cannot know the thread's stack size: also ask the runtime whether the
        // real stack has room (it throws InsufficientExecutionStackException, turned into a
        // "call stack exhausted" trap) — on every call for large frames, else every 16th level.
        var ensure = typeof(System.Runtime.CompilerServices.RuntimeHelpers).GetMethod("EnsureSufficientExecutionStack")!;
        if (_locals.Length > 64)
        {
            EmitCall(ensure);
        }
        else
        {
            var skip = _il.DefineLabel();
            _il.Emit(OpCodes.Ldloc, _inst);
            _calls.EmitField(_il, OpCodes.Ldfld, s_depth);
            _il.Emit(OpCodes.Ldc_I4, 15);
            _il.Emit(OpCodes.And);
            _il.Emit(OpCodes.Brtrue, skip);
            EmitCall(ensure);
            _il.MarkLabel(skip);
        }

        EmitInterruptCheck();
        _fuel = _il.DeclareLocal(typeof(long));
        ReloadFuel();
        DeclareMemoryLocals();
    }

    private void DeclareMemoryLocals()
    {
        if (_m.MemoryTypes.Count > 0)
        {
            _mem = _il.DeclareLocal(typeof(byte[]));
            _memBase = _il.DeclareLocal(typeof(byte).MakeByRefType());
            _memLength = _il.DeclareLocal(typeof(long));
            ReloadMemory();
        }
    }

    private void ReloadMemory()
    {
        if (_mem is null)
        {
            return;
        }

        _il.Emit(OpCodes.Ldloc, _inst);
        _calls.EmitField(_il, OpCodes.Ldfld, s_memory);
        _calls.EmitField(_il, OpCodes.Ldfld, s_memoryBytes);
        _il.Emit(OpCodes.Dup);
        _il.Emit(OpCodes.Stloc, _mem);
        // The array's data reference and length, cached until the next call or memory.grow.
        _il.Emit(OpCodes.Dup);
        _il.Emit(OpCodes.Ldlen);
        _il.Emit(OpCodes.Conv_U8);
        _il.Emit(OpCodes.Stloc, _memLength!);
        EmitCall(s_arrayDataReference);
        _il.Emit(OpCodes.Stloc, _memBase!);
    }

    /// <summary>Emits "if (!(a cmp b)) throw trap" for the two values on the stack, using branch <paramref name="okBranch"/> to skip.</summary>
    private void EmitTrapIf(OpCode okBranch, TrapKind kind)
    {
        var ok = _il.DefineLabel();
        _il.Emit(okBranch, ok);
        EmitThrow(kind);
        _il.MarkLabel(ok);
    }

    private void EmitThrow(TrapKind kind)
    {
        if (_fuel is not null)
        {
            SpillFuel();
        }

        _il.Emit(OpCodes.Ldc_I4, (int)kind);
        EmitCall(CreateTrapMethod);
        _il.Emit(OpCodes.Throw);
    }

    private void EmitInterruptCheck()
    {
        var ok = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, _inst);
        _il.Emit(OpCodes.Volatile);
        _calls.EmitField(_il, OpCodes.Ldfld, s_interrupt);
        _il.Emit(OpCodes.Brfalse, ok);
        _il.Emit(OpCodes.Ldloc, _inst);
        EmitCall(InterruptedMethod);
        _il.Emit(OpCodes.Throw);
        _il.MarkLabel(ok);
    }

    /// <summary>
    /// Charges the fuel of the instructions since the last charge point. Remaining fuel lives in an IL
    /// local (a register in loops) and is written back to the instance at loop headers, calls and returns.
    /// </summary>
    private void ChargeFuel()
    {
        if (_cost == 0)
        {
            return;
        }

        _il.Emit(OpCodes.Ldloc, _fuel);
        _il.Emit(OpCodes.Ldc_I8, (long)_cost);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Dup);
        _il.Emit(OpCodes.Stloc, _fuel);
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Conv_I8);
        EmitTrapIf(OpCodes.Bge, TrapKind.OutOfFuel);
        _cost = 0;
    }

    private void SpillFuel()
    {
        _il.Emit(OpCodes.Ldloc, _inst);
        _il.Emit(OpCodes.Ldloc, _fuel);
        _calls.EmitField(_il, OpCodes.Stfld, s_fuel);
    }

    private void ReloadFuel()
    {
        _il.Emit(OpCodes.Ldloc, _inst);
        _calls.EmitField(_il, OpCodes.Ldfld, s_fuel);
        _il.Emit(OpCodes.Stloc, _fuel);
    }

    private void EmitCall(MethodInfo method) => _calls.Emit(_il, method);

    private void Push(ValType t) => _stack.Add(t);

    private ValType Pop()
    {
        var t = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return t;
    }

    private LocalBuilder Temp(ValType t, int slot)
    {
        if (!_temps.TryGetValue((t, slot), out var local))
        {
            local = _il.DeclareLocal(IlTypes.Of(t));
            _temps[(t, slot)] = local;
        }

        return local;
    }

    private static FieldInfo Field(string name) =>
        typeof(WasmInstance).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!;

    // Reflection lookups are slow next to emitting an instruction: resolve each helper once per process.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, string, Type?, Type?), MethodInfo> s_methods = new();

    private static MethodInfo Method(Type type, string name, params Type[] args) =>
        s_methods.GetOrAdd(
            (type, name, args.Length > 0 ? args[0] : typeof(void), args.Length > 1 ? args[1] : null),
            key => key.Item1.GetMethod(key.Item2, BindingFlags.Public | BindingFlags.Static, args) ?? throw new MissingMethodException(key.Item1.Name, key.Item2));

    private static MethodInfo Helper(Type type, string name) =>
        s_methods.GetOrAdd(
            (type, name, null, null),
            key => key.Item1.GetMethod(key.Item2, BindingFlags.Public | BindingFlags.Static) ?? throw new MissingMethodException(key.Item1.Name, key.Item2));

    /// <summary>Consumes an instruction in unreachable code, tracking nesting so the matching else/end is found.</summary>
    private void SkipDead(byte op)
    {
        switch (op)
        {
            case 0x02 or 0x03 or 0x04:
                ReadBlockType();
                _deadDepth++;
                return;
            case 0x05 when _deadDepth == 0:
                _cost++;
                Emit(op);
                return;
            case 0x0B:
                if (_deadDepth > 0)
                {
                    _deadDepth--;
                }
                else
                {
                    _cost++;
                    Emit(op);
                }

                return;
            default:
                SkipImmediates(op);
                return;
        }
    }

    private void SkipImmediates(byte op)
    {
        switch (op)
        {
            case 0x0C or 0x0D or 0x10 or 0x20 or 0x21 or 0x22 or 0x23 or 0x24 or 0x25 or 0x26 or 0xD2:
                _r.ReadU32();
                break;
            case 0x0E:
                var n = _r.ReadU32();
                for (var i = 0; i <= n; i++)
                {
                    _r.ReadU32();
                }

                break;
            case 0x11:
                _r.ReadU32();
                _r.ReadU32();
                break;
            case 0x1C:
                var k = _r.ReadU32();
                for (var i = 0; i < k; i++)
                {
                    _r.ReadByte();
                }

                break;
            case >= 0x28 and <= 0x3E:
                _r.ReadU32();
                _r.ReadU32();
                break;
            case 0x3F or 0x40 or 0xD0:
                _r.ReadByte();
                break;
            case 0x41: _r.ReadS32(); break;
            case 0x42: _r.ReadS64(); break;
            case 0x43: _r.ReadF32Bits(); break;
            case 0x44: _r.ReadF64Bits(); break;
            case 0xFC:
                var sub = _r.ReadU32();
                switch (sub)
                {
                    case 8 or 12 or 14:
                        _r.ReadU32();
                        _r.ReadU32();
                        break;
                    case 9 or 11 or 13 or 15 or 16 or 17:
                        _r.ReadU32();
                        break;
                    case 10:
                        _r.ReadByte();
                        _r.ReadByte();
                        break;
                    default:
                        break;
                }

                break;
            default:
                break;
        }
    }

    private (ValType[] In, ValType[] Out) ReadBlockType()
    {
        var b = _r.PeekByte();
        if (b == 0x40)
        {
            _r.ReadByte();
            return ([], []);
        }

        if (b is 0x7F or 0x7E or 0x7D or 0x7C or 0x70 or 0x6F)
        {
            return ([], [(ValType)_r.ReadByte()]);
        }

        var t = _m.Types[(int)_r.ReadS33()];
        return (t.Params, t.Results);
    }

    private void Emit(byte op)
    {
        switch (op)
        {
            case <= 0x11:
                EmitControl(op);
                return;
            case 0x1A:
                Pop();
                _il.Emit(OpCodes.Pop);
                return;
            case 0x1B:
                Pop();
                Pop();
                EmitSelect(_stack[^1]);
                return;
            case 0x1C:
                _r.ReadU32();
                _r.ReadByte();
                Pop();
                Pop();
                EmitSelect(_stack[^1]);
                return;
            case >= 0x20 and <= 0x26:
                EmitVariable(op);
                return;
            case >= 0x28 and <= 0x40:
                EmitMemory(op);
                return;
            case 0x41:
                _il.Emit(OpCodes.Ldc_I4, _r.ReadS32());
                Push(ValType.I32);
                return;
            case 0x42:
                _il.Emit(OpCodes.Ldc_I8, _r.ReadS64());
                Push(ValType.I64);
                return;
            case 0x43:
            {
                var bits = (int)_r.ReadF32Bits();
                var value = BitConverter.Int32BitsToSingle(bits);
                if (float.IsNaN(value))
                {
                    // The JIT keeps float constants as doubles, which quiets signalling NaNs: load NaN bits at run time.
                    _il.Emit(OpCodes.Ldc_I4, bits);
                    EmitCall(Helper(typeof(NumOps), nameof(NumOps.F32FromBits)));
                }
                else
                {
                    _il.Emit(OpCodes.Ldc_R4, value);
                }

                Push(ValType.F32);
                return;
            }

            case 0x44:
                _il.Emit(OpCodes.Ldc_R8, BitConverter.Int64BitsToDouble((long)_r.ReadF64Bits()));
                Push(ValType.F64);
                return;
            case >= 0x45 and <= 0xC4:
                EmitNumeric(op);
                return;
            case 0xD0:
                Push(_r.ReadRefType());
                _il.Emit(OpCodes.Ldnull);
                return;
            case 0xD1:
                Pop();
                _il.Emit(OpCodes.Ldnull);
                _il.Emit(OpCodes.Ceq);
                Push(ValType.I32);
                return;
            case 0xD2:
                _il.Emit(OpCodes.Ldloc, _inst);
                _calls.EmitField(_il, OpCodes.Ldfld, s_functions);
                _il.Emit(OpCodes.Ldc_I4, (int)_r.ReadU32());
                _il.Emit(OpCodes.Ldelem_Ref);
                Push(ValType.FuncRef);
                return;
            case 0xFC:
                EmitPrefixed(_r.ReadU32());
                return;
            default:
                throw new CairnException(ErrorCode.Internal, $"compiler: unexpected opcode 0x{op:x2} at offset 0x{_r.Position - 1:x}");
        }
    }

    private void EmitSelect(ValType t) =>
        EmitCall(Helper(typeof(NumOps), "Select" + IlTypes.Suffix(t)));
}
