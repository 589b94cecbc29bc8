using Cairn.Wasm.Binary;

namespace Cairn.Wasm.Validation;

/// <summary>Type-checks one function body with the validation algorithm of the spec's appendix.</summary>
internal sealed class FunctionValidator
{
    private const ValType Unknown = 0;
    private readonly WasmModule _m;
    private readonly int _funcIndex;
    private readonly HashSet<int> _refs;
    private readonly WasmReader _r;
    private readonly ValType[] _locals;
    private readonly List<ValType> _vals = [];
    private readonly List<Frame> _ctrls = [];
    private int _opAt;

    public FunctionValidator(WasmModule m, int funcIndex, HashSet<int> refs)
    {
        _m = m;
        _funcIndex = funcIndex;
        _refs = refs;
        var body = m.Bodies[funcIndex - m.ImportedFunctionCount];
        _r = new WasmReader(m.Bytes, body.CodeStart, body.CodeEnd) { Section = "code" };
        var type = m.FunctionTypes[funcIndex];
        _locals = [.. type.Params, .. body.Locals];
    }

    private sealed class Frame
    {
        public byte Op;
        public ValType[] Start = [];
        public ValType[] End = [];
        public int Height;
        public bool Unreachable;

        public ValType[] Labels => Op == 0x03 ? Start : End;
    }

    public void Run()
    {
        var type = _m.FunctionTypes[_funcIndex];
        _ctrls.Add(new Frame { Op = 0xFF, Start = [], End = type.Results, Height = 0 });
        while (_ctrls.Count > 0)
        {
            _opAt = _r.Position;
            if (_r.AtEnd)
            {
                throw _r.Error("unexpected end of function: END opcode expected");
            }

            Step(_r.ReadByte());
        }

        if (!_r.AtEnd)
        {
            throw _r.Error("section size mismatch: operators after the function's final end");
        }
    }

    private CairnException Fail(string message) =>
        new(ErrorCode.InvalidInput, $"invalid module: {message} (function {_m.FunctionName(_funcIndex)}, section code, offset 0x{_opAt:x})");

    private void Push(ValType t) => _vals.Add(t);

    private ValType Pop()
    {
        var frame = _ctrls[^1];
        if (_vals.Count == frame.Height)
        {
            if (frame.Unreachable)
            {
                return Unknown;
            }

            throw Fail("type mismatch: operand stack is empty");
        }

        var v = _vals[^1];
        _vals.RemoveAt(_vals.Count - 1);
        return v;
    }

    private ValType Pop(ValType expect)
    {
        var actual = Pop();
        if (actual != expect && actual != Unknown && expect != Unknown)
        {
            throw Fail($"type mismatch: expected {FuncType.Name(expect)}, found {FuncType.Name(actual)}");
        }

        // The spec's pop_val returns what was on the stack: Unknown stays Unknown (br_table pushes it back).
        return actual;
    }

    private void PushAll(ValType[] types)
    {
        foreach (var t in types)
        {
            Push(t);
        }
    }

    private ValType[] PopAll(ValType[] types)
    {
        var popped = new ValType[types.Length];
        for (var i = types.Length - 1; i >= 0; i--)
        {
            popped[i] = Pop(types[i]);
        }

        return popped;
    }

    private void PushCtrl(byte op, ValType[] start, ValType[] end)
    {
        _ctrls.Add(new Frame { Op = op, Start = start, End = end, Height = _vals.Count });
        PushAll(start);
    }

    private Frame PopCtrl()
    {
        if (_ctrls.Count == 0)
        {
            throw Fail("unexpected end");
        }

        var frame = _ctrls[^1];
        PopAll(frame.End);
        if (_vals.Count != frame.Height)
        {
            throw Fail("type mismatch: values remain on the stack at the end of a block");
        }

        _ctrls.RemoveAt(_ctrls.Count - 1);
        return frame;
    }

    private void SetUnreachable()
    {
        var frame = _ctrls[^1];
        _vals.RemoveRange(frame.Height, _vals.Count - frame.Height);
        frame.Unreachable = true;
    }

    private (ValType[] In, ValType[] Out) BlockType()
    {
        var b = _r.PeekByte();
        if (b == 0x40)
        {
            _r.ReadByte();
            return ([], []);
        }

        if (b is 0x7F or 0x7E or 0x7D or 0x7C or 0x70 or 0x6F or 0x7B)
        {
            return ([], [_r.ReadValType()]);
        }

        var index = _r.ReadS33();
        if (index < 0 || index >= _m.Types.Count)
        {
            throw Fail($"unknown type {index}");
        }

        _m.FeatureSet.Add("multi-value");
        var t = _m.Types[(int)index];
        return (t.Params, t.Results);
    }

    private Frame Label(uint depth) =>
        depth < _ctrls.Count ? _ctrls[_ctrls.Count - 1 - (int)depth] : throw Fail($"unknown label {depth}");

    private ValType Local(uint index) =>
        index < _locals.Length ? _locals[index] : throw Fail($"unknown local {index}");

    private GlobalType Global(uint index) =>
        index < _m.GlobalTypes.Count ? _m.GlobalTypes[(int)index] : throw Fail($"unknown global {index}");

    private TableType Table(uint index) =>
        index < _m.TableTypes.Count ? _m.TableTypes[(int)index] : throw Fail($"unknown table {index}");

    private void RequireMemory()
    {
        if (_m.MemoryTypes.Count == 0)
        {
            throw Fail("unknown memory 0");
        }
    }

    private void ZeroByte()
    {
        var at = _r.Position;
        if (_r.ReadByte() != 0)
        {
            throw _r.Error("zero byte expected (memory index)", at);
        }
    }

    private static bool IsNumeric(ValType t) => t is ValType.I32 or ValType.I64 or ValType.F32 or ValType.F64 or Unknown;

    private void Step(byte op)
    {
        switch (op)
        {
            case 0x00: SetUnreachable(); return;
            case 0x01: return;
            case 0x02:
            case 0x03:
            {
                var (i, o) = BlockType();
                PopAll(i);
                PushCtrl(op, i, o);
                return;
            }

            case 0x04:
            {
                var (i, o) = BlockType();
                Pop(ValType.I32);
                PopAll(i);
                PushCtrl(op, i, o);
                return;
            }

            case 0x05:
            {
                var frame = PopCtrl();
                if (frame.Op != 0x04)
                {
                    throw Fail("else without matching if");
                }

                PushCtrl(0x05, frame.Start, frame.End);
                return;
            }

            case 0x0B:
            {
                var frame = PopCtrl();
                if (frame.Op == 0x04 && !frame.Start.AsSpan().SequenceEqual(frame.End))
                {
                    throw Fail("type mismatch: if without else must have matching parameter and result types");
                }

                PushAll(frame.End);
                return;
            }

            case 0x0C:
                PopAll(Label(_r.ReadU32()).Labels);
                SetUnreachable();
                return;
            case 0x0D:
            {
                var labels = Label(_r.ReadU32()).Labels;
                Pop(ValType.I32);
                PopAll(labels);
                PushAll(labels);
                return;
            }

            case 0x0E:
            {
                var n = _r.ReadU32();
                if (n > _r.End - _r.Position)
                {
                    throw _r.Error("unexpected end: br_table length");
                }

                var targets = new uint[n];
                for (var i = 0; i < n; i++)
                {
                    targets[i] = _r.ReadU32();
                }

                var def = Label(_r.ReadU32()).Labels;
                Pop(ValType.I32);
                foreach (var t in targets)
                {
                    var labels = Label(t).Labels;
                    if (labels.Length != def.Length)
                    {
                        throw Fail("type mismatch: br_table targets have different arities");
                    }

                    PushAll(PopAll(labels));
                }

                PopAll(def);
                SetUnreachable();
                return;
            }

            case 0x0F:
                PopAll(_ctrls[0].End);
                SetUnreachable();
                return;
            case 0x10:
            {
                var f = _r.ReadU32();
                if (f >= _m.FunctionTypes.Count)
                {
                    throw Fail($"unknown function {f}");
                }

                var t = _m.FunctionTypes[(int)f];
                PopAll(t.Params);
                PushAll(t.Results);
                return;
            }

            case 0x11:
            {
                var ti = _r.ReadU32();
                var table = _r.ReadU32();
                if (Table(table).Element != ValType.FuncRef)
                {
                    throw Fail("type mismatch: call_indirect on a table that is not funcref");
                }

                if (ti >= _m.Types.Count)
                {
                    throw Fail($"unknown type {ti}");
                }

                Pop(ValType.I32);
                var t = _m.Types[(int)ti];
                PopAll(t.Params);
                PushAll(t.Results);
                return;
            }

            case 0x1A: Pop(); return;
            case 0x1B:
            {
                Pop(ValType.I32);
                var t1 = Pop();
                var t2 = Pop();
                if (!IsNumeric(t1) || !IsNumeric(t2))
                {
                    throw Fail("type mismatch: select without type needs numeric operands");
                }

                if (t1 != t2 && t1 != Unknown && t2 != Unknown)
                {
                    throw Fail("type mismatch: select operands differ");
                }

                Push(t1 == Unknown ? t2 : t1);
                return;
            }

            case 0x1C:
            {
                var n = _r.ReadU32();
                if (n != 1)
                {
                    throw Fail("invalid result arity for select");
                }

                var t = _r.ReadValType();
                _m.FeatureSet.Add("reference-types");
                Pop(ValType.I32);
                Pop(t);
                Pop(t);
                Push(t);
                return;
            }

            case 0x20: Push(Local(_r.ReadU32())); return;
            case 0x21: Pop(Local(_r.ReadU32())); return;
            case 0x22:
            {
                var t = Local(_r.ReadU32());
                Pop(t);
                Push(t);
                return;
            }

            case 0x23: Push(Global(_r.ReadU32()).Type); return;
            case 0x24:
            {
                var g = Global(_r.ReadU32());
                if (!g.Mutable)
                {
                    throw Fail("global is immutable");
                }

                Pop(g.Type);
                return;
            }

            case 0x25:
            {
                var t = Table(_r.ReadU32());
                _m.FeatureSet.Add("reference-types");
                Pop(ValType.I32);
                Push(t.Element);
                return;
            }

            case 0x26:
            {
                var t = Table(_r.ReadU32());
                _m.FeatureSet.Add("reference-types");
                Pop(t.Element);
                Pop(ValType.I32);
                return;
            }

            case >= 0x28 and <= 0x3E:
            {
                var (type, sizeLog2, store) = OpTables.Memory(op);
                var align = _r.ReadU32();
                _r.ReadU32();
                RequireMemory();
                if (align > sizeLog2)
                {
                    throw Fail("alignment must not be larger than natural");
                }

                if (store)
                {
                    Pop(type);
                    Pop(ValType.I32);
                }
                else
                {
                    Pop(ValType.I32);
                    Push(type);
                }

                return;
            }

            case 0x3F:
                ZeroByte();
                RequireMemory();
                Push(ValType.I32);
                return;
            case 0x40:
                ZeroByte();
                RequireMemory();
                Pop(ValType.I32);
                Push(ValType.I32);
                return;
            case 0x41: _r.ReadS32(); Push(ValType.I32); return;
            case 0x42: _r.ReadS64(); Push(ValType.I64); return;
            case 0x43: _r.ReadF32Bits(); Push(ValType.F32); return;
            case 0x44: _r.ReadF64Bits(); Push(ValType.F64); return;
            case >= 0x45 and <= 0xC4:
            {
                var (a, _, arity, result) = OpTables.Numeric[op]!.Value;
                if (op >= 0xC0)
                {
                    _m.FeatureSet.Add("sign-extension");
                }

                for (var i = 0; i < arity; i++)
                {
                    Pop(a);
                }

                Push(result);
                return;
            }

            case 0xD0:
                Push(_r.ReadRefType());
                _m.FeatureSet.Add("reference-types");
                return;
            case 0xD1:
            {
                var t = Pop();
                if (t is not (ValType.FuncRef or ValType.ExternRef or Unknown))
                {
                    throw Fail("type mismatch: ref.is_null needs a reference");
                }

                Push(ValType.I32);
                return;
            }

            case 0xD2:
            {
                var f = _r.ReadU32();
                if (f >= _m.FunctionTypes.Count)
                {
                    throw Fail($"unknown function {f}");
                }

                if (!_refs.Contains((int)f))
                {
                    throw Fail($"undeclared function reference {f}");
                }

                _m.FeatureSet.Add("reference-types");
                Push(ValType.FuncRef);
                return;
            }

            case 0xFC: StepPrefixed(_r.ReadU32()); return;
            case 0xFD:
                throw new CairnException(ErrorCode.Unsupported, $"unsupported feature: SIMD (opcode 0xfd in function {_m.FunctionName(_funcIndex)}, offset 0x{_opAt:x})")
                {
                    Hint = "Build the module without SIMD (e.g. without -msimd128).",
                };
            default:
                throw _r.Error($"illegal opcode 0x{op:x2}", _opAt);
        }
    }

    private void StepPrefixed(uint sub)
    {
        switch (sub)
        {
            case <= 7:
            {
                var (from, to) = OpTables.TruncSat[sub];
                _m.FeatureSet.Add("nontrapping-float-to-int");
                Pop(from);
                Push(to);
                return;
            }

            case 8:
            {
                var seg = _r.ReadU32();
                ZeroByte();
                RequireMemory();
                RequireDataCount(seg);
                PopAll([ValType.I32, ValType.I32, ValType.I32]);
                return;
            }

            case 9:
                RequireDataCount(_r.ReadU32());
                return;
            case 10:
                ZeroByte();
                ZeroByte();
                RequireMemory();
                PopAll([ValType.I32, ValType.I32, ValType.I32]);
                _m.FeatureSet.Add("bulk-memory");
                return;
            case 11:
                ZeroByte();
                RequireMemory();
                PopAll([ValType.I32, ValType.I32, ValType.I32]);
                _m.FeatureSet.Add("bulk-memory");
                return;
            case 12:
            {
                var seg = _r.ReadU32();
                var table = Table(_r.ReadU32());
                var elem = Elem(seg);
                if (elem.Type != table.Element)
                {
                    throw Fail("type mismatch: table.init element type differs from table type");
                }

                PopAll([ValType.I32, ValType.I32, ValType.I32]);
                return;
            }

            case 13:
                Elem(_r.ReadU32());
                return;
            case 14:
            {
                var dst = Table(_r.ReadU32());
                var src = Table(_r.ReadU32());
                if (dst.Element != src.Element)
                {
                    throw Fail("type mismatch: table.copy between tables of different element types");
                }

                PopAll([ValType.I32, ValType.I32, ValType.I32]);
                return;
            }

            case 15:
            {
                var t = Table(_r.ReadU32());
                Pop(ValType.I32);
                Pop(t.Element);
                Push(ValType.I32);
                return;
            }

            case 16:
                Table(_r.ReadU32());
                Push(ValType.I32);
                return;
            case 17:
            {
                var t = Table(_r.ReadU32());
                Pop(ValType.I32);
                Pop(t.Element);
                Pop(ValType.I32);
                return;
            }

            default:
                throw _r.Error($"illegal opcode 0xfc {sub}", _opAt);
        }
    }

    private ElementSegment Elem(uint index)
    {
        _m.FeatureSet.Add("bulk-memory");
        return index < _m.Elements.Count ? _m.Elements[(int)index] : throw Fail($"unknown elem segment {index}");
    }

    private void RequireDataCount(uint seg)
    {
        _m.FeatureSet.Add("bulk-memory");
        if (_m.DataCount is null)
        {
            throw Fail("data count section required");
        }

        if (seg >= _m.DataCount)
        {
            throw Fail($"unknown data segment {seg}");
        }
    }
}
