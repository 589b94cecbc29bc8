using System.Globalization;
using System.Text.Json;
using Cairn.Wasm.Runtime;

namespace Cairn.Wasm.SpecTest;

/// <summary>
/// Runs the official spec test suite's scripts after <c>wast2json</c> conversion: modules, registrations,
/// actions and every assertion kind of the 2.0 suite. Text-format (<c>module_type: text</c>) assertions are skipped.
/// </summary>
public sealed class SpecTestRunner
{
    // Every function's IL is generated, not only those the scripts call: the suite tests the compiler too.
    private static readonly CompileOptions EveryFunction = new() { Eager = true };

    private readonly Dictionary<string, WasmInstance> _named = new(StringComparer.Ordinal);
    private readonly WasmImports _imports = new();
    private WasmInstance? _current;
    private string _dir = ".";
    private string _file = "";

    /// <summary>Creates a runner with the <c>spectest</c> host module registered.</summary>
    public SpecTestRunner() => RegisterSpectest();

    /// <summary>Runs a .json script or every .json script in a folder, on a thread with a large stack.</summary>
    public static SpecTestResult RunPath(string path)
    {
        var files = Directory.Exists(path)
            ? Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal).ToArray()
            : [path];
        var total = new SpecTestResult();
        foreach (var file in files)
        {
            SpecTestResult? result = null;
            Exception? error = null;
            var thread = new Thread(() =>
            {
                try
                {
                    result = new SpecTestRunner().RunFile(file);
                }
                catch (Exception e) when (e is CairnException or IOException or JsonException)
                {
                    error = e;
                }
            }, 512 * 1024 * 1024);
            thread.Start();
            thread.Join();
            if (error is not null)
            {
                total.Failed++;
                total.Failures.Add($"{Path.GetFileName(file)}: {error.Message}");
            }
            else
            {
                total.Add(result!);
            }
        }

        return total;
    }

    /// <summary>Runs one script.</summary>
    public SpecTestResult RunFile(string jsonPath)
    {
        _dir = Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
        _file = Path.GetFileName(jsonPath);
        var result = new SpecTestResult();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
        foreach (var cmd in doc.RootElement.GetProperty("commands").EnumerateArray())
        {
            var type = cmd.GetProperty("type").GetString()!;
            var line = cmd.GetProperty("line").GetInt32();
            try
            {
                var outcome = Run(type, cmd);
                if (outcome is null)
                {
                    result.Skipped++;
                }
                else if (outcome == "")
                {
                    result.Passed++;
                }
                else
                {
                    result.Failed++;
                    result.Failures.Add($"{_file}:{line}: {type}: {outcome}");
                }
            }
            catch (Exception e) when (e is CairnException or InvalidCastException or IndexOutOfRangeException or NullReferenceException or InvalidOperationException or ArgumentException)
            {
                result.Failed++;
                result.Failures.Add($"{_file}:{line}: {type}: unexpected {e.GetType().Name}: {e.Message}");
            }
        }

        return result;
    }

    /// <summary>Returns "" on pass, a reason on failure, null when skipped.</summary>
    private string? Run(string type, JsonElement cmd)
    {
        switch (type)
        {
            case "module":
            {
                var inst = Instantiate(cmd.GetProperty("filename").GetString()!);
                _current = inst;
                if (cmd.TryGetProperty("name", out var name))
                {
                    _named[name.GetString()!] = inst;
                }

                return "";
            }

            case "register":
            {
                var inst = cmd.TryGetProperty("name", out var name) ? _named[name.GetString()!] : _current!;
                _imports.AddInstance(cmd.GetProperty("as").GetString()!, inst);
                return "";
            }

            case "action":
                Act(cmd.GetProperty("action"));
                return "";
            case "assert_return":
            {
                var actual = Act(cmd.GetProperty("action"));
                var expected = cmd.GetProperty("expected").EnumerateArray().ToArray();
                if (expected.Any(e => e.GetProperty("type").GetString() == "v128"))
                {
                    return null;
                }

                if (actual.Length != expected.Length)
                {
                    return $"expected {expected.Length} results, got {actual.Length}";
                }

                for (var i = 0; i < actual.Length; i++)
                {
                    var why = Compare(actual[i], expected[i]);
                    if (why is not null)
                    {
                        return $"{Describe(cmd.GetProperty("action"))}: result {i}: {why}";
                    }
                }

                return "";
            }

            case "assert_trap" or "assert_exhaustion":
            {
                var text = cmd.GetProperty("text").GetString()!;
                try
                {
                    if (cmd.TryGetProperty("action", out var action))
                    {
                        Act(action);
                        return $"{Describe(action)}: expected trap \"{text}\", returned normally";
                    }

                    Instantiate(cmd.GetProperty("filename").GetString()!);
                    return $"expected trap \"{text}\" at instantiation";
                }
                catch (WasmTrap trap)
                {
                    return text.StartsWith(trap.Message, StringComparison.Ordinal) || trap.Message.StartsWith(text, StringComparison.Ordinal)
                        ? ""
                        : $"expected trap \"{text}\", got \"{trap.Message}\"";
                }
            }

            case "assert_invalid" or "assert_malformed":
            {
                if (cmd.GetProperty("module_type").GetString() != "binary")
                {
                    return null;
                }

                try
                {
                    WasmEngine.CompileUncached(File.ReadAllBytes(Path.Combine(_dir, cmd.GetProperty("filename").GetString()!)), EveryFunction);
                    return $"module should be rejected ({cmd.GetProperty("text").GetString()})";
                }
                catch (CairnException e) when (e is not WasmTrap)
                {
                    return "";
                }
            }

            case "assert_unlinkable" or "assert_uninstantiable":
            {
                try
                {
                    Instantiate(cmd.GetProperty("filename").GetString()!);
                    return $"module should fail to {(type == "assert_unlinkable" ? "link" : "instantiate")} ({cmd.GetProperty("text").GetString()})";
                }
                catch (CairnException)
                {
                    return "";
                }
            }

            default:
                return null;
        }
    }

    private WasmInstance Instantiate(string filename)
    {
        var compiled = WasmEngine.CompileUncached(File.ReadAllBytes(Path.Combine(_dir, filename)), EveryFunction);
        return compiled.Instantiate(_imports, new InstanceOptions { MaxCallDepth = 20_000, MaxMemoryPages = 32767 });
    }

    private WasmValue[] Act(JsonElement action)
    {
        var inst = action.TryGetProperty("module", out var m) ? _named[m.GetString()!] : _current!;
        var field = action.GetProperty("field").GetString()!;
        if (action.GetProperty("type").GetString() == "get")
        {
            return [inst.GetGlobal(field).Value];
        }

        var args = action.GetProperty("args").EnumerateArray().Select(Parse).ToArray();
        return inst.GetFunction(field).Invoke(args);
    }

    private static string Describe(JsonElement action) =>
        $"{action.GetProperty("field").GetString()}({string.Join(", ", action.TryGetProperty("args", out var a) ? a.EnumerateArray().Select(x => x.TryGetProperty("value", out var v) ? v.ToString() : "?") : [])})";

    private static WasmValue Parse(JsonElement v)
    {
        var type = v.GetProperty("type").GetString()!;
        var value = v.TryGetProperty("value", out var val) ? val.GetString()! : "null";
        return type switch
        {
            "i32" => WasmValue.FromI32((int)uint.Parse(value, CultureInfo.InvariantCulture)),
            "i64" => WasmValue.FromI64((long)ulong.Parse(value, CultureInfo.InvariantCulture)),
            "f32" => new WasmValue(ValType.F32, uint.Parse(value, CultureInfo.InvariantCulture), null),
            "f64" => new WasmValue(ValType.F64, ulong.Parse(value, CultureInfo.InvariantCulture), null),
            "externref" => WasmValue.FromRef(ValType.ExternRef, value == "null" ? null : new HostRef(ulong.Parse(value, CultureInfo.InvariantCulture))),
            "funcref" => WasmValue.FromRef(ValType.FuncRef, null),
            _ => throw new InvalidOperationException($"unsupported value type {type}"),
        };
    }

    private static string? Compare(WasmValue actual, JsonElement expected)
    {
        var type = expected.GetProperty("type").GetString()!;
        var value = expected.TryGetProperty("value", out var val) ? val.GetString()! : null;
        switch (type)
        {
            case "f32" when value is "nan:canonical":
                return (actual.Bits & 0x7FFF_FFFF) == 0x7FC0_0000 ? null : $"expected canonical NaN, got 0x{actual.Bits:x8}";
            case "f32" when value is "nan:arithmetic":
                return (actual.Bits & 0x7FC0_0000) == 0x7FC0_0000 ? null : $"expected arithmetic NaN, got 0x{actual.Bits:x8}";
            case "f64" when value is "nan:canonical":
                return (actual.Bits & 0x7FFF_FFFF_FFFF_FFFF) == 0x7FF8_0000_0000_0000 ? null : $"expected canonical NaN, got 0x{actual.Bits:x16}";
            case "f64" when value is "nan:arithmetic":
                return (actual.Bits & 0x7FF8_0000_0000_0000) == 0x7FF8_0000_0000_0000 ? null : $"expected arithmetic NaN, got 0x{actual.Bits:x16}";
            case "externref" or "funcref":
                if (value is null)
                {
                    return actual.Ref is null ? "expected a non-null reference" : null;
                }

                if (value == "null")
                {
                    return actual.Ref is null ? null : $"expected null, got {actual.Ref}";
                }

                return Equals(actual.Ref, new HostRef(ulong.Parse(value, CultureInfo.InvariantCulture))) ? null : $"expected ref {value}, got {actual.Ref ?? "null"}";
            default:
                var want = Parse(expected);
                return want.Type == actual.Type && want.Bits == actual.Bits ? null : $"expected {want}, got {actual}";
        }
    }

    private void RegisterSpectest()
    {
        var none = new HostFunction(new FuncType([], []), _ => []);
        _imports.Add("spectest", "print", none);
        foreach (var (name, types) in new[]
        {
            ("print_i32", new[] { ValType.I32 }), ("print_i64", new[] { ValType.I64 }), ("print_f32", new[] { ValType.F32 }),
            ("print_f64", new[] { ValType.F64 }), ("print_i32_f32", new[] { ValType.I32, ValType.F32 }), ("print_f64_f64", new[] { ValType.F64, ValType.F64 }),
        })
        {
            _imports.Add("spectest", name, new HostFunction(new FuncType(types, []), _ => []));
        }

        _imports.Add("spectest", "global_i32", new WasmGlobal(WasmValue.FromI32(666), false));
        _imports.Add("spectest", "global_i64", new WasmGlobal(WasmValue.FromI64(666), false));
        _imports.Add("spectest", "global_f32", new WasmGlobal(WasmValue.FromF32(666.6f), false));
        _imports.Add("spectest", "global_f64", new WasmGlobal(WasmValue.FromF64(666.6), false));
        _imports.Add("spectest", "table", new WasmTable(ValType.FuncRef, 10, 20));
        _imports.Add("spectest", "memory", new WasmMemory(1, 2));
    }

    /// <summary>An externref value of the spec scripts (<c>ref.extern N</c>).</summary>
    private sealed record HostRef(ulong Value);
}
