using Cairn.Wasm.Binary;

namespace Cairn.Wasm.Runtime;

/// <summary>Instantiation: linking imports, evaluating initializers, element and data segments, the start function.</summary>
public sealed partial class WasmInstance
{
    internal static WasmInstance Create(CompiledModule compiled, WasmImports? imports, InstanceOptions options)
    {
        var m = compiled.Module;
        var inst = new WasmInstance(compiled) { MaxCallDepth = options.MaxCallDepth, Code = compiled.Code };
        inst.SetFuel(options.Fuel);
        var functions = new WasmFunction[m.FunctionTypes.Count];
        var tables = new List<WasmTable>();
        var globals = new List<WasmGlobal>();
        var fi = 0;
        foreach (var imp in m.ImportList)
        {
            if (imports is null || !imports.TryGet(imp.Module, imp.Name, out var value))
            {
                throw LinkError($"unknown import \"{imp.Module}\".\"{imp.Name}\"", "Provide the import, or run the module with the host interface it expects (e.g. WASI).");
            }

            switch (imp.Kind)
            {
                case ExternKind.Function:
                    if (value is not WasmFunction f || f.Type.Id != imp.Function!.Id)
                    {
                        throw LinkError($"incompatible import type for \"{imp.Module}\".\"{imp.Name}\": expected function {imp.Function}");
                    }

                    f.EnsureCode();
                    functions[fi++] = f;
                    break;
                case ExternKind.Table:
                    if (value is not WasmTable t || t.ElementType != imp.Table!.Element || !LimitsMatch(t.Size, t.Max, imp.Table.Limits))
                    {
                        throw LinkError($"incompatible import type for \"{imp.Module}\".\"{imp.Name}\": table type or limits differ");
                    }

                    tables.Add(t);
                    break;
                case ExternKind.Memory:
                    if (value is not WasmMemory mem || !LimitsMatch(mem.Pages, mem.Max, imp.Memory!.Limits))
                    {
                        throw LinkError($"incompatible import type for \"{imp.Module}\".\"{imp.Name}\": memory limits differ");
                    }

                    inst.Memory = mem;
                    break;
                default:
                    if (value is not WasmGlobal g || g.Type != imp.Global!.Type || g.Mutable != imp.Global.Mutable)
                    {
                        throw LinkError($"incompatible import type for \"{imp.Module}\".\"{imp.Name}\": global type or mutability differ");
                    }

                    globals.Add(g);
                    break;
            }
        }

        for (var i = 0; i < m.Bodies.Count; i++)
        {
            var index = m.ImportedFunctionCount + i;
            functions[index] = new WasmFunction(m.FunctionTypes[index], inst, compiled, i);
        }

        inst.Functions = functions;
        inst.Globals = [.. globals];
        foreach (var g in m.GlobalDefs)
        {
            globals.Add(new WasmGlobal(inst.Eval(m, g.Init, g.Type.Type), g.Type.Mutable));
            inst.Globals = [.. globals];
        }

        for (var i = m.ImportedTableCount; i < m.TableTypes.Count; i++)
        {
            var tt = m.TableTypes[i];
            tables.Add(new WasmTable(tt.Element, tt.Limits.Min, tt.Limits.Max));
        }

        inst.Tables = [.. tables];
        if (m.MemoryTypes.Count > m.ImportedMemoryCount)
        {
            var mt = m.MemoryTypes[0].Limits;
            inst.Memory = new WasmMemory(mt.Min, mt.Max, options.MaxMemoryPages);
        }

        inst.ElemSegments = new object?[]?[m.Elements.Count];
        for (var i = 0; i < m.Elements.Count; i++)
        {
            var e = m.Elements[i];
            var items = new object?[e.Count];
            for (var j = 0; j < items.Length; j++)
            {
                items[j] = e.FuncIndices is { } fx ? functions[fx[j]] : inst.Eval(m, e.Exprs![j], e.Type).Ref;
            }

            inst.ElemSegments[i] = items;
        }

        inst.DataSegments = new byte[]?[m.Data.Count];
        for (var i = 0; i < m.Data.Count; i++)
        {
            var d = m.Data[i];
            inst.DataSegments[i] = m.Bytes.AsSpan(d.DataStart, d.DataLength).ToArray();
        }

        inst.AddExports(m);
        for (var i = 0; i < m.Elements.Count; i++)
        {
            var e = m.Elements[i];
            if (e.Mode == SegmentMode.Active)
            {
                var offset = inst.Eval(m, e.Offset, ValType.I32).I32;
                RuntimeOps.TableInit(offset, 0, e.Count, inst, i, e.Table);
            }

            if (e.Mode != SegmentMode.Passive)
            {
                inst.ElemSegments[i] = null;
            }
        }

        for (var i = 0; i < m.Data.Count; i++)
        {
            var d = m.Data[i];
            if (d.Mode == SegmentMode.Active)
            {
                var offset = inst.Eval(m, d.Offset, ValType.I32).I32;
                RuntimeOps.MemoryInit(offset, 0, d.DataLength, inst, i);
                inst.DataSegments[i] = null;
            }
        }

        if (m.StartFunction is { } start)
        {
            functions[start].Invoke();
        }

        return inst;
    }

    private static bool LimitsMatch(uint size, uint? max, Limits required) =>
        size >= required.Min && (required.Max is null || (max is { } m && m <= required.Max));

    private static CairnException LinkError(string message, string? hint = null) =>
        new(ErrorCode.InvalidInput, $"link error: {message}") { Hint = hint };

    private WasmValue Eval(WasmModule m, ConstExpr expr, ValType type)
    {
        var r = new WasmReader(m.Bytes, expr.Start, expr.End);
        var value = WasmValue.Default(type);
        while (!r.AtEnd)
        {
            switch (r.ReadByte())
            {
                case 0x41: value = WasmValue.FromI32(r.ReadS32()); break;
                case 0x42: value = WasmValue.FromI64(r.ReadS64()); break;
                case 0x43: value = new WasmValue(ValType.F32, r.ReadF32Bits(), null); break;
                case 0x44: value = new WasmValue(ValType.F64, r.ReadF64Bits(), null); break;
                case 0x23: value = Globals[r.ReadU32()].Value; break;
                case 0xD0: value = WasmValue.FromRef(r.ReadRefType(), null); break;
                case 0xD2: value = WasmValue.FromRef(ValType.FuncRef, Functions[r.ReadU32()]); break;
                default: break;
            }
        }

        return value;
    }
}
