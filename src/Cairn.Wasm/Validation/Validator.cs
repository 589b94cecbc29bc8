using Cairn.Wasm.Binary;

namespace Cairn.Wasm.Validation;

/// <summary>
/// Module validation per the core specification (2.0 feature set): index spaces, limits, constant
/// expressions, and the type checking of every function body with the spec's appendix algorithm.
/// </summary>
internal static partial class Validator
{
    public static void Validate(WasmModule m)
    {
        var r = new WasmReader(m.Bytes, 0, m.Bytes.Length) { Section = "module" };
        if (m.MemoryTypes.Count > 1)
        {
            throw Invalid("multiple memories", "memory", 0);
        }

        foreach (var t in m.TableTypes)
        {
            if (t.Limits.Max is { } max && t.Limits.Min > max)
            {
                throw Invalid("size minimum must not be greater than maximum", "table", 0);
            }
        }

        foreach (var mt in m.MemoryTypes)
        {
            if (mt.Limits.Min > 65536 || mt.Limits.Max > 65536)
            {
                throw Invalid("memory size must be at most 65536 pages (4GiB)", "memory", 0);
            }

            if (mt.Limits.Max is { } max && mt.Limits.Min > max)
            {
                throw Invalid("size minimum must not be greater than maximum", "memory", 0);
            }
        }

        var refs = DeclaredFunctionRefs(m);
        for (var i = 0; i < m.GlobalDefs.Count; i++)
        {
            var g = m.GlobalDefs[i];
            CheckConstExpr(m, r, g.Init, g.Type.Type, "global", refs);
        }

        foreach (var e in m.ExportList)
        {
            var count = e.Kind switch
            {
                ExternKind.Function => m.FunctionTypes.Count,
                ExternKind.Table => m.TableTypes.Count,
                ExternKind.Memory => m.MemoryTypes.Count,
                _ => m.GlobalTypes.Count,
            };
            if (e.Index >= count || e.Index < 0)
            {
                throw Invalid($"unknown {e.Kind.ToString().ToLowerInvariant()} {e.Index} in export \"{e.Name}\"", "export", 0);
            }
        }

        if (m.StartFunction is { } start)
        {
            if (start >= m.FunctionTypes.Count)
            {
                throw Invalid($"unknown function {start}", "start", 0);
            }

            var st = m.FunctionTypes[start];
            if (st.Params.Length != 0 || st.Results.Length != 0)
            {
                throw Invalid("start function must have type [] -> []", "start", 0);
            }
        }

        foreach (var e in m.Elements)
        {
            if (e.Mode == SegmentMode.Active)
            {
                if (e.Table >= m.TableTypes.Count)
                {
                    throw Invalid($"unknown table {e.Table}", "element", e.Position);
                }

                if (m.TableTypes[e.Table].Element != e.Type)
                {
                    throw Invalid("type mismatch: element segment type differs from table type", "element", e.Position);
                }

                CheckConstExpr(m, r, e.Offset, ValType.I32, "element", refs);
            }

            if (e.FuncIndices is { } funcs)
            {
                foreach (var f in funcs)
                {
                    if (f >= m.FunctionTypes.Count)
                    {
                        throw Invalid($"unknown function {f}", "element", e.Position);
                    }
                }
            }
            else
            {
                foreach (var x in e.Exprs!)
                {
                    CheckConstExpr(m, r, x, e.Type, "element", refs);
                }
            }
        }

        foreach (var d in m.Data)
        {
            if (d.Mode == SegmentMode.Active)
            {
                if (d.Memory >= m.MemoryTypes.Count)
                {
                    throw Invalid($"unknown memory {d.Memory}", "data", d.Position);
                }

                CheckConstExpr(m, r, d.Offset, ValType.I32, "data", refs);
            }
        }

        for (var i = 0; i < m.Bodies.Count; i++)
        {
            new FunctionValidator(m, m.ImportedFunctionCount + i, refs).Run();
        }
    }

    internal static CairnException Invalid(string message, string section, int offset) =>
        new(ErrorCode.InvalidInput, $"invalid module: {message} (section {section}, offset 0x{offset:x})");

    private static HashSet<int> DeclaredFunctionRefs(WasmModule m)
    {
        var refs = new HashSet<int>();
        foreach (var e in m.ExportList)
        {
            if (e.Kind == ExternKind.Function)
            {
                refs.Add(e.Index);
            }
        }

        var r = new WasmReader(m.Bytes, 0, m.Bytes.Length);
        void Scan(ConstExpr x)
        {
            r.Position = x.Start;
            r.End = x.End;
            while (!r.AtEnd)
            {
                var op = r.ReadByte();
                switch (op)
                {
                    case 0x41: r.ReadS32(); break;
                    case 0x42: r.ReadS64(); break;
                    case 0x43: r.ReadF32Bits(); break;
                    case 0x44: r.ReadF64Bits(); break;
                    case 0x23: r.ReadU32(); break;
                    case 0xD0: r.ReadByte(); break;
                    case 0xD2: refs.Add((int)r.ReadU32()); break;
                    default: break;
                }
            }
        }

        foreach (var g in m.GlobalDefs)
        {
            Scan(g.Init);
        }

        foreach (var e in m.Elements)
        {
            if (e.FuncIndices is { } f)
            {
                refs.UnionWith(f);
            }
            else
            {
                foreach (var x in e.Exprs!)
                {
                    Scan(x);
                }
            }
        }

        return refs;
    }

    private static void CheckConstExpr(WasmModule m, WasmReader r, ConstExpr x, ValType expected, string section, HashSet<int> refs)
    {
        _ = refs;
        r.Position = x.Start;
        r.End = x.End;
        r.Section = section;
        var stack = new List<ValType>();
        while (true)
        {
            var at = r.Position;
            var op = r.ReadByte();
            switch (op)
            {
                case 0x0B:
                    if (stack.Count != 1 || stack[0] != expected)
                    {
                        throw Invalid($"type mismatch in constant expression (expected {FuncType.Name(expected)})", section, at);
                    }

                    return;
                case 0x41: r.ReadS32(); stack.Add(ValType.I32); break;
                case 0x42: r.ReadS64(); stack.Add(ValType.I64); break;
                case 0x43: r.ReadF32Bits(); stack.Add(ValType.F32); break;
                case 0x44: r.ReadF64Bits(); stack.Add(ValType.F64); break;
                case 0xD0: stack.Add(r.ReadRefType()); break;
                case 0xD2:
                    var f = r.ReadU32();
                    if (f >= m.FunctionTypes.Count)
                    {
                        throw Invalid($"unknown function {f}", section, at);
                    }

                    stack.Add(ValType.FuncRef);
                    break;
                case 0x23:
                    var gi = r.ReadU32();
                    if (gi >= m.ImportedGlobalCount)
                    {
                        throw Invalid($"unknown global {gi} (constant expressions may only read imported globals)", section, at);
                    }

                    if (m.GlobalTypes[(int)gi].Mutable)
                    {
                        throw Invalid("constant expression required (global.get of a mutable global)", section, at);
                    }

                    stack.Add(m.GlobalTypes[(int)gi].Type);
                    break;
                default:
                    throw Invalid($"constant expression required (opcode 0x{op:x2})", section, at);
            }
        }
    }
}
