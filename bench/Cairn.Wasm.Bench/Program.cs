using System.Diagnostics;
using Cairn.Wasm;
using Cairn.Wasm.Binary;
using Cairn.Wasm.Compilation;
using Cairn.Wasm.Validation;
using Cairn.Wasm.Wasi;

// Compile + instantiate time of one WASI module, phase by phase, in one process: lazy compilation
// (the default: a function's IL is generated on its first call) against eager compilation (every
// function's IL up front), alternating, after one untimed round of each (a node that has compiled
// modules before runs Cairn.Wasm's own code optimized). The run phase calls _start.
// Usage: Cairn.Wasm.Bench MODULE.wasm [ROUNDS]
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Cairn.Wasm.Bench MODULE.wasm [ROUNDS]");
    return 2;
}

var bytes = File.ReadAllBytes(args[0]);
var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
Console.WriteLine($"module: {bytes.Length:N0} bytes ({bytes.Length / 1048576.0:F2} MiB)");
var first = await MeasureAsync(bytes, eager: false);
Console.WriteLine($"first in process, lazy: {first}");
_ = await MeasureAsync(bytes, eager: true);
var lazy = new List<Row>();
var eager = new List<Row>();
for (var round = 0; round < rounds; round++)
{
    lazy.Add(await MeasureAsync(bytes, eager: false));
    eager.Add(await MeasureAsync(bytes, eager: true));
}

var l = Median(lazy);
var e = Median(eager);
Console.WriteLine($"lazy  (median of {rounds}): {l}");
Console.WriteLine($"eager (median of {rounds}): {e}");
Console.WriteLine($"compile + instantiate, lazy / eager: {l.CompileAndInstantiate / e.CompileAndInstantiate:F2}");
Console.WriteLine($"compile + instantiate, lazy: {l.CompileAndInstantiate:F1} ms (bar: under 100 ms for 1 MiB)");
return 0;

static Row Median(List<Row> rows) => rows.OrderBy(r => r.CompileAndInstantiate).ElementAt(rows.Count / 2);

static async Task<Row> MeasureAsync(byte[] bytes, bool eager)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var sw = Stopwatch.StartNew();
    var module = ModuleDecoder.Decode(bytes);
    var decode = sw.Elapsed.TotalMilliseconds;
    Validator.Validate(module);
    var validate = sw.Elapsed.TotalMilliseconds;
    var compiled = ModuleCompiler.Compile(module, new CompileOptions { Eager = eager });
    var compile = sw.Elapsed.TotalMilliseconds;
    // The same run as `cairn wasm run`: it times instantiation apart from the run itself.
    var result = await WasiRunner.RunAsync(compiled, new WasiConfig { Stdout = Stream.Null, Stderr = Stream.Null });
    if (result.ExitCode != 0)
    {
        throw new InvalidOperationException($"the module exited {result.ExitCode}");
    }

    var instantiate = result.InstantiateTime.TotalMilliseconds;
    var run = (result.WallTime - result.InstantiateTime).TotalMilliseconds;
    return new Row(decode, validate - decode, compile - validate, instantiate, run, compiled.CompiledFunctions, compiled.LazyCompileTime.TotalMilliseconds);
}

internal readonly record struct Row(double Decode, double Validate, double Generate, double Instantiate, double Run, int Functions, double LazyIl)
{
    public double CompileAndInstantiate => Decode + Validate + Generate + Instantiate;

    public override string ToString() =>
        $"decode {Decode:F1} + validate {Validate:F1} + IL {Generate:F1} + instantiate {Instantiate:F1} = {CompileAndInstantiate:F1} ms; run _start {Run:F1} ms (of which IL on first calls {LazyIl:F1} ms); {Functions} functions compiled";
}
