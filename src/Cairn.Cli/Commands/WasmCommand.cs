using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Wasm;
using Cairn.Wasm.Binary;
using Cairn.Wasm.SpecTest;
using Cairn.Wasm.Wasi;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn wasm run|validate|inspect|spectest</c>.</summary>
internal static class WasmCommand
{
    public static Command Create()
    {
        var command = new Command("wasm", "Run, validate and inspect WebAssembly modules with Cairn's engine.");
        command.Subcommands.Add(CreateRun());
        command.Subcommands.Add(CreateValidate());
        command.Subcommands.Add(CreateInspect());
        command.Subcommands.Add(CreateSpectest());
        command.Subcommands.Add(WasmSubmitCommand.Create());
        return command;
    }

    private static Command CreateRun()
    {
        var module = new Argument<string>("module") { Description = "The .wasm file (a WASI command), or its CID (CID[/path]) in the local store." };
        var args = new Argument<string[]>("args") { Description = "Arguments for the module (after --).", Arity = ArgumentArity.ZeroOrMore };
        var fuel = new Option<long?>("--fuel") { Description = "Fuel limit (instructions, see docs/wasm.md); the run traps with \"out of fuel\" beyond it." };
        var memory = new Option<int>("--memory-limit") { Description = "Memory limit in MiB.", DefaultValueFactory = _ => 1024 };
        var timeout = new Option<double?>("--timeout") { Description = "Wall-clock limit in seconds." };
        var dirs = new Option<string[]>("--dir") { Description = "Preopen a directory: HOST:GUEST (or HOST, seen as itself). Repeatable.", AllowMultipleArgumentsPerToken = false };
        var env = new Option<string[]>("--env") { Description = "Environment variable K=V. Repeatable." };
        var output = new Option<string>("--output") { Description = "text (default) or json: print fuel used, peak memory, compile and run wall time and exit code on stderr.", DefaultValueFactory = _ => "text" };
        var hostTime = new Option<bool>("--allow-host-time") { Description = "Let the module read the host clock (off: a deterministic clock)." };
        var hostRandom = new Option<bool>("--allow-host-random") { Description = "Let the module read host randomness (off: a deterministic stream)." };
        var run = new Command("run", "Run a WASI command module: stdio passes through, the exit code is the module's.")
        {
            module, args, fuel, memory, timeout, dirs, env, output, hostTime, hostRandom,
        };
        run.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var path = parse.GetRequiredValue(module);
            var compileWatch = System.Diagnostics.Stopwatch.StartNew();
            var compiled = WasmEngine.Shared.Compile(await ReadModuleAsync(path, parse.GetValue(CliApp.HomeOption), ct));
            var compileTime = compileWatch.Elapsed;
            var preopens = (parse.GetValue(dirs) ?? []).Select(ParseDir).ToList();
            var memoryMiB = parse.GetValue(memory);
            if (memoryMiB <= 0)
            {
                throw new CairnException(ErrorCode.InvalidArgument, "--memory-limit must be positive (MiB).");
            }

            using var stdin = Console.OpenStandardInput();
            using var stdout = Console.OpenStandardOutput();
            using var stderr = Console.OpenStandardError();
            var config = new WasiConfig
            {
                Args = [Path.GetFileName(path), .. parse.GetValue(args) ?? []],
                Env = parse.GetValue(env) ?? [],
                Preopens = preopens,
                Stdin = stdin,
                Stdout = stdout,
                Stderr = stderr,
                AllowHostTime = parse.GetValue(hostTime),
                AllowHostRandom = parse.GetValue(hostRandom),
            };
            var options = new WasiRunOptions
            {
                Fuel = parse.GetValue(fuel),
                MaxMemoryPages = (uint)Math.Min(32767L, memoryMiB * 16L),
                Timeout = parse.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            };
            var result = await WasiRunner.RunAsync(compiled, config, options, ct);
            if (result.Trap is { } trap)
            {
                var where = trap.Function is null ? "" : $" in function {trap.Function}";
                await Console.Error.WriteLineAsync($"Error: wasm trap: {trap.Message}{where}");
            }

            if (parse.GetValue(output) == "json")
            {
                var json = JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["exitCode"] = result.ExitCode,
                    ["fuelUsed"] = result.FuelUsed,
                    ["peakMemoryBytes"] = result.PeakMemoryBytes,
                    ["compileMs"] = Math.Round(compileTime.TotalMilliseconds, 3),
                    ["instantiateMs"] = Math.Round(result.InstantiateTime.TotalMilliseconds, 3),
                    ["wallTimeMs"] = Math.Round(result.WallTime.TotalMilliseconds, 3),
                    ["compiledFunctions"] = result.CompiledFunctions,
                    ["functions"] = compiled.Module.DefinedFunctionCount,
                    ["trap"] = result.Trap?.Message,
                });
                await Console.Error.WriteLineAsync(json);
            }

            return result.ExitCode;
        });
        return run;
    }

    private static WasiPreopen ParseDir(string spec)
    {
        // HOST:GUEST, split at the first colon (HOST cannot contain one); GUEST is e.g. "." or "/data".
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? new WasiPreopen(spec, spec) : new WasiPreopen(spec[..colon], spec[(colon + 1)..]);
    }

    private static byte[] ReadModule(string path)
    {
        if (!File.Exists(path))
        {
            throw new CairnException(ErrorCode.NotFound, $"No such module file: {path}") { Hint = "Pass the path of a .wasm file." };
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>A module from a file or, when no such file exists and the text is a CID[/path], from the local store (verified).</summary>
    private static async Task<byte[]> ReadModuleAsync(string pathOrCid, string? home, CancellationToken cancellationToken)
    {
        var cidText = pathOrCid.StartsWith("/ipfs/", StringComparison.Ordinal) ? pathOrCid[6..] : pathOrCid;
        var slash = cidText.IndexOf('/', StringComparison.Ordinal);
        if (File.Exists(pathOrCid) || !Cid.TryParse(slash < 0 ? cidText : cidText[..slash], out _))
        {
            return ReadModule(pathOrCid);
        }

        using var repo = ContentRepo.Open(home);
        var exporter = new UnixFsExporter(repo.Blocks);
        var cid = await exporter.ResolvePathAsync(pathOrCid, cancellationToken);
        using var buffer = new MemoryStream();
        await exporter.WriteFileAsync(cid, buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static Command CreateValidate()
    {
        var module = new Argument<string>("module") { Description = "The .wasm file." };
        var validate = new Command("validate", "Decode and validate a module (exit 0 when valid; the error names section and offset).") { module };
        validate.SetAction((parse, _) =>
        {
            var m = WasmModule.Decode(ReadModule(parse.GetRequiredValue(module)));
            Console.WriteLine($"valid: {m.DefinedFunctionCount} functions, {m.Imports.Count} imports, {m.Exports.Count} exports");
            return Task.FromResult(ExitCodes.Ok);
        });
        return validate;
    }

    private static Command CreateInspect()
    {
        var module = new Argument<string>("module") { Description = "The .wasm file." };
        var inspect = new Command("inspect", "Print a module's imports, exports, memory, tables and features.") { module };
        inspect.SetAction((parse, _) =>
        {
            var m = WasmModule.Decode(ReadModule(parse.GetRequiredValue(module)));
            Console.WriteLine($"functions: {m.DefinedFunctionCount} defined");
            Console.WriteLine($"imports:   {m.Imports.Count}");
            foreach (var i in m.Imports)
            {
                Console.WriteLine($"  {i.Module}.{i.Name}: {Describe(i)}");
            }

            Console.WriteLine($"exports:   {m.Exports.Count}");
            foreach (var e in m.Exports)
            {
                Console.WriteLine($"  {e.Name}: {e.Kind.ToString().ToLowerInvariant()} {e.Index}");
            }

            foreach (var mem in m.Memories)
            {
                Console.WriteLine($"memory:    {mem.Limits.Min} pages min, {(mem.Limits.Max is { } max ? max.ToString(CultureInfo.InvariantCulture) + " max" : "no max")}");
            }

            foreach (var t in m.Tables)
            {
                Console.WriteLine($"table:     {(t.Element == ValType.FuncRef ? "funcref" : "externref")} {t.Limits.Min} min");
            }

            Console.WriteLine($"features:  {(m.Features.Count == 0 ? "mvp" : "mvp, " + string.Join(", ", m.Features.Order(StringComparer.Ordinal)))}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return inspect;
    }

    private static string Describe(ModuleImport i) => i.Kind switch
    {
        ExternKind.Function => $"function {i.Function}",
        ExternKind.Memory => $"memory {i.Memory!.Limits.Min} pages",
        ExternKind.Table => $"table {i.Table!.Limits.Min}",
        _ => $"global {(i.Global!.Mutable ? "mut " : "")}{i.Global.Type.ToString().ToLowerInvariant()}",
    };

    private static Command CreateSpectest()
    {
        var path = new Argument<string>("path") { Description = "A wast2json .json script, or a folder of them." };
        var spectest = new Command("spectest", "Run WebAssembly spec test scripts (converted with wast2json); ends with \"N passed, N failed\".") { path };
        spectest.SetAction((parse, _) =>
        {
            var p = parse.GetRequiredValue(path);
            if (!File.Exists(p) && !Directory.Exists(p))
            {
                throw new CairnException(ErrorCode.NotFound, $"No such file or folder: {p}") { Hint = "Convert .wast files first: wast2json FILE.wast -o FILE.json" };
            }

            var result = SpecTestRunner.RunPath(p);
            foreach (var failure in result.Failures)
            {
                Console.WriteLine($"FAIL {failure}");
            }

            if (result.Skipped > 0)
            {
                Console.WriteLine($"{result.Skipped} skipped (text-format modules, SIMD values)");
            }

            Console.WriteLine($"{result.Passed} passed, {result.Failed} failed");
            return Task.FromResult(result.Failed == 0 ? ExitCodes.Ok : ExitCodes.Error);
        });
        return spectest;
    }
}
