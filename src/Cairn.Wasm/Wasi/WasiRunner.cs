using System.Diagnostics;
using Cairn.Wasm.Runtime;

namespace Cairn.Wasm.Wasi;

/// <summary>Runs a WASI command module (its <c>_start</c>) with limits, on a thread whose stack fits the call-depth limit.</summary>
public static class WasiRunner
{
    /// <summary>Exit code reported after a trap (as a native abort would).</summary>
    public const int TrapExitCode = 134;

    /// <summary>Instantiates <paramref name="module"/> with WASI and runs its entry point.</summary>
    /// <exception cref="CairnException">Linking failed (e.g. a non-WASI import).</exception>
    public static Task<WasiRunResult> RunAsync(CompiledModule module, WasiConfig config, WasiRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(config);
        options ??= new WasiRunOptions();
        var tcs = new TaskCompletionSource<WasiRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(
            () =>
            {
                try
                {
                    tcs.SetResult(Run(module, config, options, cancellationToken));
                }
                catch (Exception e)
                {
                    tcs.SetException(e);
                }
            },
            256 * 1024 * 1024)
        {
            Name = "cairn-wasm",
            IsBackground = true,
        };
        thread.Start();
        return tcs.Task;
    }

    /// <summary>The innermost compiled wasm function on the trap's stack (methods are named f{index}).</summary>
    internal static string? FunctionOf(Exception trap, WasmModule module)
    {
        var match = System.Text.RegularExpressions.Regex.Match(trap.StackTrace ?? "", @"WasmCode\d+\.f(\d+)\(");
        return match.Success ? module.FunctionName(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) : null;
    }

    private static WasiRunResult Run(CompiledModule module, WasiConfig config, WasiRunOptions options, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        using var wasi = new WasiContext(config);
        var imports = new WasmImports();
        wasi.Bind(module.Module, imports);
        WasmInstance? instance = null;
        var exitCode = 0;
        WasmTrap? trap = null;
        var instantiated = TimeSpan.Zero;
        Timer? timer = null;
        CancellationTokenRegistration registration = default;
        try
        {
            instance = module.Instantiate(imports, new InstanceOptions
            {
                Fuel = options.Fuel,
                MaxMemoryPages = options.MaxMemoryPages,
                MaxCallDepth = options.MaxCallDepth,
            });
            wasi.AttachMemory(instance.DefaultMemory);
            instantiated = sw.Elapsed;
            var inst = instance;
            if (options.Timeout is { } timeout)
            {
                timer = new Timer(_ => inst.RequestInterrupt(1), null, timeout, Timeout.InfiniteTimeSpan);
            }

            registration = cancellationToken.Register(() => inst.RequestInterrupt(2));
            if (cancellationToken.IsCancellationRequested)
            {
                inst.RequestInterrupt(2);
            }

            instance.GetFunction(options.Entry).Invoke();
        }
        catch (WasiExitException exit)
        {
            exitCode = exit.Code;
        }
        catch (WasmTrap t)
        {
            trap = t;
            trap.Function ??= FunctionOf(t, module.Module);
            exitCode = TrapExitCode;
        }
        finally
        {
            timer?.Dispose();
            registration.Dispose();
            config.Stdout?.Flush();
            config.Stderr?.Flush();
        }

        return new WasiRunResult
        {
            ExitCode = exitCode,
            FuelUsed = instance?.FuelConsumed ?? 0,
            PeakMemoryBytes = instance?.DefaultMemory?.PeakBytes ?? 0,
            WallTime = sw.Elapsed,
            InstantiateTime = instantiated,
            CompiledFunctions = module.CompiledFunctions,
            Trap = trap,
        };
    }
}
