namespace Cairn.Wasm.Binary;

/// <summary>Decodes the sections of a module into a <see cref="WasmModule"/> (structure only; <see cref="Validation.Validator"/> checks types).</summary>
internal static class ModuleDecoder
{
    private const int MaxLocals = 50_000;
    private static readonly string[] s_sectionNames =
        ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"];

    // Order in which non-custom sections must appear (datacount sits between element and code).
    private static readonly int[] s_rank = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10];

    public static WasmModule Decode(byte[] bytes)
    {
        var module = new WasmModule(bytes);
        var r = new WasmReader(bytes, 0, bytes.Length);
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0x61 || bytes[2] != 0x73 || bytes[3] != 0x6D)
        {
            throw r.Error("magic header not detected: not a WebAssembly binary", 0);
        }

        if (bytes.Length < 8)
        {
            throw r.Error("unexpected end: truncated version", 4);
        }

        if (bytes[4] != 1 || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0)
        {
            throw r.Error("unknown binary version (only version 1 is supported)", 4);
        }

        r.Position = 8;
        var lastRank = 0;
        int? functionCount = null;
        var sawCode = false;
        while (!r.AtEnd)
        {
            var sectionStart = r.Position;
            var id = r.ReadByte();
            if (id >= s_sectionNames.Length)
            {
                throw r.Error($"malformed section id {id}", sectionStart);
            }

            r.Section = s_sectionNames[id];
            var size = r.ReadU32();
            if (size > r.End - r.Position)
            {
                throw r.Error($"section size {size} exceeds the module (unexpected end)", sectionStart);
            }

            var contentEnd = r.Position + (int)size;
            if (id != 0)
            {
                if (s_rank[id] <= lastRank)
                {
                    throw r.Error("unexpected content after last section (section out of order or duplicated)", sectionStart);
                }

                lastRank = s_rank[id];
            }

            var outerEnd = r.End;
            r.End = contentEnd;
            switch (id)
            {
                case 0: ReadCustom(r, module); break;
                case 1: ReadTypes(r, module); break;
                case 2: ReadImports(r, module); break;
                case 3: functionCount = ReadFunctions(r, module); break;
                case 4: ReadTables(r, module); break;
                case 5: ReadMemories(r, module); break;
                case 6: ReadGlobals(r, module); break;
                case 7: ReadExports(r, module); break;
                case 8: module.StartFunction = (int)r.ReadU32(); break;
                case 9: ReadElements(r, module); break;
                case 10: ReadCode(r, module, functionCount ?? 0); sawCode = true; break;
                case 11: ReadData(r, module); break;
                case 12: module.DataCount = (int)r.ReadU32(); break;
            }

            if (r.Position != contentEnd)
            {
                throw r.Error("section size mismatch: section content does not end where its size says", r.Position);
            }

            r.End = outerEnd;
        }

        r.Section = "module";
        if ((functionCount ?? 0) != 0 && !sawCode)
        {
            throw r.Error("function and code section have inconsistent lengths", bytes.Length);
        }

        if (module.DataCount is { } dc && dc != module.Data.Count)
        {
            throw r.Error("data count and data section have inconsistent lengths", bytes.Length);
        }

        return module;
    }

    private static void ReadCustom(WasmReader r, WasmModule module)
    {
        var name = r.ReadName();
        if (name == "name")
        {
            try
            {
                ReadNames(new WasmReader(r.Data, r.Position, r.End), module);
            }
            catch (CairnException)
            {
                // The name section is advisory: a broken one must not reject the module.
            }
        }

        r.Position = r.End;
    }

    private static void ReadNames(WasmReader r, WasmModule module)
    {
        while (!r.AtEnd)
        {
            var sub = r.ReadByte();
            var size = (int)r.ReadU32();
            var end = r.Position + size;
            if (sub == 1)
            {
                var count = r.ReadU32();
                for (var i = 0; i < count; i++)
                {
                    var index = (int)r.ReadU32();
                    module.FunctionNames[index] = r.ReadName();
                }
            }

            r.Position = end;
        }
    }

    private static void ReadTypes(WasmReader r, WasmModule module)
    {
        var count = r.ReadU32();
        for (var i = 0; i < count; i++)
        {
            var at = r.Position;
            var form = r.ReadByte();
            if (form != 0x60)
            {
                throw r.Error($"malformed function type form 0x{form:x2} (expected 0x60)", at);
            }

            var p = ReadValTypes(r);
            var res = ReadValTypes(r);
            if (res.Length > 1)
            {
                module.FeatureSet.Add("multi-value");
            }

            module.Types.Add(new FuncType(p, res));
        }
    }

    private static ValType[] ReadValTypes(WasmReader r)
    {
        var n = r.ReadU32();
        if (n > r.End - r.Position)
        {
            throw r.Error("unexpected end: too many value types");
        }

        var types = new ValType[n];
        for (var i = 0; i < n; i++)
        {
            types[i] = r.ReadValType();
        }

        return types;
    }

    private static FuncType TypeAt(WasmReader r, WasmModule module, uint index, int at) =>
        index < module.Types.Count ? module.Types[(int)index] : throw Invalid(r, $"unknown type {index}", at);

    internal static CairnException Invalid(WasmReader r, string message, int at) =>
        new(ErrorCode.InvalidInput, $"invalid module: {message} (section {r.Section}, offset 0x{at:x})");

    private static void ReadImports(WasmReader r, WasmModule module)
    {
        var count = r.ReadU32();
        for (var i = 0; i < count; i++)
        {
            var mod = r.ReadName();
            var name = r.ReadName();
            var at = r.Position;
            var kind = r.ReadByte();
            switch (kind)
            {
                case 0:
                    var ti = r.ReadU32();
                    var ft = TypeAt(r, module, ti, at);
                    module.ImportList.Add(new ModuleImport(mod, name, ExternKind.Function) { Function = ft });
                    module.FunctionTypes.Add(ft);
                    module.ImportedFunctionCount++;
                    break;
                case 1:
                    var tt = new TableType(r.ReadRefType(), r.ReadLimits(uint.MaxValue, "table"));
                    module.ImportList.Add(new ModuleImport(mod, name, ExternKind.Table) { Table = tt });
                    module.TableTypes.Add(tt);
                    module.ImportedTableCount++;
                    break;
                case 2:
                    var mt = new MemoryType(r.ReadLimits(65536, "memory"));
                    module.ImportList.Add(new ModuleImport(mod, name, ExternKind.Memory) { Memory = mt });
                    module.MemoryTypes.Add(mt);
                    module.ImportedMemoryCount++;
                    break;
                case 3:
                    var gt = ReadGlobalType(r);
                    if (gt.Mutable)
                    {
                        module.FeatureSet.Add("mutable-globals");
                    }

                    module.ImportList.Add(new ModuleImport(mod, name, ExternKind.Global) { Global = gt });
                    module.GlobalTypes.Add(gt);
                    module.ImportedGlobalCount++;
                    break;
                default:
                    throw r.Error($"malformed import kind 0x{kind:x2}", at);
            }
        }
    }

    private static GlobalType ReadGlobalType(WasmReader r)
    {
        var t = r.ReadValType();
        var at = r.Position;
        var m = r.ReadByte();
        return m > 1 ? throw r.Error($"malformed mutability 0x{m:x2}", at) : new GlobalType(t, m == 1);
    }

    private static int ReadFunctions(WasmReader r, WasmModule module)
    {
        var count = r.ReadU32();
        for (var i = 0; i < count; i++)
        {
            var at = r.Position;
            module.FunctionTypes.Add(TypeAt(r, module, r.ReadU32(), at));
        }

        return (int)count;
    }

    private static void ReadTables(WasmReader r, WasmModule module)
    {
        var count = r.ReadU32();
        for (var i = 0; i < count; i++)
        {
            module.TableTypes.Add(new TableType(r.ReadRefType(), r.ReadLimits(uint.MaxValue, "table")));
        }
    }

    private static void ReadMemories(WasmReader r, WasmModule module)
    {
        var count = r.ReadU32();
        for (var i = 0; i < count; i++)
        {
            module.MemoryTypes.Add(new MemoryType(r.ReadLimits(65536, "memory")));
        }
    }

    private static void ReadGlobals(WasmReader r, WasmModule module)
    {
        var count = r.ReadU32();
        for (var i = 0; i < count; i++)
        {
            var gt = ReadGlobalType(r);
            module.GlobalTypes.Add(gt);
            module.GlobalDefs.Add(new GlobalDef(gt, ReadConstExpr(r)));
        }
    }

    private static void ReadExports(WasmReader r, WasmModule module)
    {
        var count = r.ReadU32();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var at = r.Position;
            var name = r.ReadName();
            var kindAt = r.Position;
            var kind = r.ReadByte();
            if (kind > 3)
            {
                throw r.Error($"malformed export kind 0x{kind:x2}", kindAt);
            }

            var index = (int)r.ReadU32();
            if (!names.Add(name))
            {
                throw Invalid(r, $"duplicate export name \"{name}\"", at);
            }

            module.ExportList.Add(new ModuleExport(name, (ExternKind)kind, index));
        }
    }

    /// <summary>Skips a constant expression up to its end, keeping its byte range for evaluation.</summary>
    internal static ConstExpr ReadConstExpr(WasmReader r)
    {
        var start = r.Position;
        while (true)
        {
            var at = r.Position;
            var op = r.ReadByte();
            switch (op)
            {
                case 0x0B: return new ConstExpr(start, r.Position);
                case 0x41: r.ReadS32(); break;
                case 0x42: r.ReadS64(); break;
                case 0x43: r.ReadF32Bits(); break;
                case 0x44: r.ReadF64Bits(); break;
                case 0x23: r.ReadU32(); break;
                case 0xD0: r.ReadRefType(); break;
                case 0xD2: r.ReadU32(); break;
                case 0xFD: throw new CairnException(ErrorCode.Unsupported, $"unsupported feature: SIMD (opcode 0xfd at offset 0x{at:x}, section {r.Section})");
                default:
                    if (op < 0x45 && op != 0x01 && op > 0x11 && op is not (0x1A or 0x1B or 0x20 or 0x21 or 0x22 or 0x24))
                    {
                        throw r.Error($"illegal opcode 0x{op:x2}", at);
                    }

                    throw Invalid(r, $"constant expression required (opcode 0x{op:x2})", at);
            }
        }
    }

    private static void ReadElements(WasmReader r, WasmModule module)
    {
        var count = r.ReadU32();
        for (var i = 0; i < count; i++)
        {
            var at = r.Position;
            var flags = r.ReadU32();
            if (flags > 7)
            {
                throw r.Error($"malformed elements segment kind {flags}", at);
            }

            var mode = (flags & 1) == 0 ? SegmentMode.Active : (flags & 2) == 0 ? SegmentMode.Passive : SegmentMode.Declarative;
            var table = 0;
            var offset = default(ConstExpr);
            if (mode == SegmentMode.Active)
            {
                if ((flags & 2) != 0)
                {
                    table = (int)r.ReadU32();
                }

                offset = ReadConstExpr(r);
            }

            var type = ValType.FuncRef;
            if ((flags & 4) == 0)
            {
                if ((flags & 3) != 0)
                {
                    var kindAt = r.Position;
                    var kind = r.ReadByte();
                    if (kind != 0)
                    {
                        throw r.Error($"malformed element kind 0x{kind:x2}", kindAt);
                    }
                }

                var n = r.ReadU32();
                if (n > r.End - r.Position)
                {
                    throw r.Error("unexpected end: element count exceeds section");
                }

                var funcs = new int[n];
                for (var j = 0; j < n; j++)
                {
                    funcs[j] = (int)r.ReadU32();
                }

                module.Elements.Add(new ElementSegment(mode, table, offset, type, funcs, null, at));
            }
            else
            {
                if ((flags & 3) != 0)
                {
                    type = r.ReadRefType();
                }

                var n = r.ReadU32();
                if (n > r.End - r.Position)
                {
                    throw r.Error("unexpected end: element count exceeds section");
                }

                var exprs = new ConstExpr[n];
                for (var j = 0; j < n; j++)
                {
                    exprs[j] = ReadConstExpr(r);
                }

                module.Elements.Add(new ElementSegment(mode, table, offset, type, null, exprs, at));
            }
        }
    }

    private static void ReadCode(WasmReader r, WasmModule module, int functionCount)
    {
        var count = r.ReadU32();
        if (count != functionCount)
        {
            throw r.Error("function and code section have inconsistent lengths");
        }

        for (var i = 0; i < count; i++)
        {
            var size = r.ReadU32();
            if (size > r.End - r.Position)
            {
                throw r.Error("unexpected end: function body exceeds section");
            }

            var bodyEnd = r.Position + (int)size;
            var outer = r.End;
            r.End = bodyEnd;
            var groups = r.ReadU32();
            var locals = new List<ValType>();
            long total = 0;
            for (var g = 0; g < groups; g++)
            {
                var at = r.Position;
                var n = r.ReadU32();
                total += n;
                if (total > MaxLocals)
                {
                    throw r.Error($"too many locals (more than {MaxLocals})", at);
                }

                var t = r.ReadValType();
                for (var k = 0; k < n; k++)
                {
                    locals.Add(t);
                }
            }

            module.Bodies.Add(new FunctionBody([.. locals], r.Position, bodyEnd));
            r.Position = bodyEnd;
            r.End = outer;
        }
    }

    private static void ReadData(WasmReader r, WasmModule module)
    {
        var count = r.ReadU32();
        for (var i = 0; i < count; i++)
        {
            var at = r.Position;
            var flags = r.ReadU32();
            if (flags > 2)
            {
                throw r.Error($"malformed data segment kind {flags}", at);
            }

            var mem = flags == 2 ? (int)r.ReadU32() : 0;
            var offset = flags == 1 ? default : ReadConstExpr(r);
            var len = r.ReadU32();
            if (len > r.End - r.Position)
            {
                throw r.Error("unexpected end of section or function: data segment exceeds section");
            }

            module.Data.Add(new DataSegment(flags == 1 ? SegmentMode.Passive : SegmentMode.Active, mem, offset, r.Position, (int)len, at));
            r.Position += (int)len;
        }
    }
}
