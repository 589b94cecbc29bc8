using System.Collections.Concurrent;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Cairn.Jobs.Specs;
using Cairn.Market;
using Cairn.Multiformats;
using Cairn.Wasm;
using Cairn.Wasm.Runtime;
using Cairn.Wasm.Wasi;

namespace Cairn.Executors.Wasm;

/// <summary>
/// The <c>wasm</c> engine on Cairn.Wasm: runs a WASI preview1 command module with its inputs preopened
/// read-only at their targets and its result paths preopened writable, metered by fuel and bounded by
/// the fuel, time and memory limits. Deterministic: the module sees a fixed clock and seeded randomness,
/// and NaNs are canonicalized, so the same inputs give the same outputs on every node.
/// </summary>
public sealed class WasmExecutor : IExecutor
{
    /// <summary>The engine name.</summary>
    public const string EngineName = WasmEngineParams.EngineType;

    private const long PageSize = 65536;
    private const uint MaxPages = 65536;

    private readonly WasmEngine _engine;
    private readonly ConcurrentDictionary<Cid, CompiledModule> _compiled = new();

    /// <summary>Creates the executor over <paramref name="engine"/> (the process-wide engine by default).</summary>
    public WasmExecutor(WasmEngine? engine = null) => _engine = engine ?? WasmEngine.Shared;

    /// <inheritdoc />
    public string Engine => EngineName;

    /// <summary>How many modules this executor has compiled (each module CID once).</summary>
    public int CompiledModules => _compiled.Count;

    /// <inheritdoc />
    public IReadOnlyList<InputSource> GetArtifacts(JobTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var parameters = WasmEngineParams.FromSpec(task.Engine);
        if (parameters.ImportModules.Count > 0)
        {
            throw new CairnException(ErrorCode.Unsupported, $"Engine.Params.ImportModules: task \"{task.Name}\" names {parameters.ImportModules.Count} import module(s), but the wasm executor runs one module and does not link modules together.")
            {
                Hint = "Link the modules into one (e.g. with wasm-merge or at build time) and give it as EntryModule.",
            };
        }

        return [parameters.EntryModule];
    }

    /// <inheritdoc />
    public async Task<ExecutorResult> RunAsync(ExecutorRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = WasmEngineParams.FromSpec(request.Task.Engine);
        if (request.Artifacts.Count == 0)
        {
            throw new CairnException(ErrorCode.InvalidArgument, "The wasm executor needs the entry module as its first artifact.");
        }

        var module = request.Artifacts[0];
        CompiledModule compiled;
        try
        {
            compiled = await CompileAsync(module, cancellationToken).ConfigureAwait(false);
        }
        catch (CairnException e)
        {
            return Failed($"the entry module {module.Cid} is not a valid Wasm module: {e.Message}");
        }

        var config = new WasiConfig
        {
            Args = [ModuleName(module), .. parameters.Parameters],
            Env = Environment(parameters, request.Task),
            Preopens = Preopens(request),
            Stdout = request.Stdout,
            Stderr = request.Stderr,
            // Deterministic mode: a fixed clock and seeded randomness, so reruns compare by output CID.
            AllowHostTime = false,
            AllowHostRandom = false,
            RandomSeed = 0,
        };
        var limits = request.Limits;
        var options = new WasiRunOptions
        {
            Fuel = limits.Fuel,
            Timeout = limits.Timeout,
            MaxMemoryPages = limits.MemoryBytes is > 0 and var bytes ? (uint)Math.Clamp(bytes / PageSize, 1, MaxPages) : new WasiRunOptions().MaxMemoryPages,
            Entry = parameters.Entrypoint,
        };

        WasiRunResult result;
        try
        {
            result = await WasiRunner.RunAsync(compiled, config, options, cancellationToken).ConfigureAwait(false);
        }
        catch (CairnException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Link errors, a missing entry point, a bad preopen: the task cannot start.
            return Failed(e.Message);
        }

        if (result.Trap is { Kind: TrapKind.Cancelled } || cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The wasm task was cancelled.", cancellationToken);
        }

        return new ExecutorResult
        {
            ExitCode = result.ExitCode,
            Error = result.Trap is { } trap ? Describe(trap, limits) : null,
            Usage = UsageOf(result),
            PeakMemoryBytes = result.PeakMemoryBytes,
            WallTime = result.WallTime,
        };
    }

    private static ExecutorResult Failed(string error) => new() { ExitCode = 1, Error = error };

    private static string Describe(WasmTrap trap, ExecutionLimits limits) => trap.Kind switch
    {
        TrapKind.OutOfFuel => $"out of fuel (limit {limits.Fuel:N0})",
        TrapKind.Timeout => $"execution timeout of {limits.Timeout?.TotalSeconds:0.###}s exceeded",
        _ => trap.Function is null ? $"wasm trap: {trap.Message}" : $"wasm trap: {trap.Message} in function {trap.Function}",
    };

    /// <summary>
    /// A Wasm run is billed by fuel alone: the same module on the same inputs uses the same fuel on every
    /// machine, so its cost is the same wherever and however loaded it ran, and a verifier re-running it
    /// reaches the same bill. (Billing its wall time as CPU time, as this once did, made the demo's
    /// cost differ by a unit between a quiet and a busy machine.) Wall time and peak memory stay in the result.
    /// </summary>
    private static Usage UsageOf(WasiRunResult result) => new(result.FuelUsed, 0, 0);

    private static string ModuleName(PreparedInput module)
    {
        var name = module.Alias ?? Path.GetFileName(module.Target.TrimEnd('/'));
        return string.IsNullOrEmpty(name) ? "main.wasm" : name;
    }

    private static List<string> Environment(WasmEngineParams parameters, JobTask task)
    {
        // The task's Env wins over the engine's EnvironmentVariables; sorted so every node passes the same environ.
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in parameters.EnvironmentVariables)
        {
            env[key] = value;
        }

        foreach (var (key, value) in task.Env)
        {
            env[key] = value;
        }

        return env.Select(kv => $"{kv.Key}={kv.Value}").ToList();
    }

    private static List<WasiPreopen> Preopens(ExecutorRequest request)
    {
        var byGuest = new Dictionary<string, WasiPreopen>(StringComparer.Ordinal);
        void Add(string host, string guest, bool readOnly, string what)
        {
            var preopen = new WasiPreopen(host, guest) { ReadOnly = readOnly };
            if (byGuest.TryGetValue(guest, out var existing))
            {
                if (existing != preopen)
                {
                    throw new CairnException(ErrorCode.InvalidInput, $"{what} is mounted at {guest}, where another input or output already is.")
                    {
                        Hint = "Give every input and result path its own Target/Path.",
                    };
                }

                return;
            }

            byGuest[guest] = preopen;
        }

        foreach (var input in request.Inputs)
        {
            if (Directory.Exists(input.HostPath))
            {
                Add(input.HostPath, Guest(input.Target), true, $"input {input.Alias ?? input.Target}");
            }
            else
            {
                // WASI mounts directories: a file input is reached through its parent, which the
                // compute node lays out to hold only the inputs that share that guest directory.
                Add(Path.GetDirectoryName(input.HostPath)!, Parent(Guest(input.Target)), true, $"input {input.Alias ?? input.Target}");
            }
        }

        foreach (var output in request.Outputs)
        {
            Directory.CreateDirectory(output.HostPath);
            Add(output.HostPath, Guest(output.Path), false, $"result path {output.Name}");
        }

        return [.. byGuest.Values];
    }

    private static string Guest(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    private static string Parent(string guest)
    {
        var slash = guest.LastIndexOf('/');
        return slash <= 0 ? "/" : guest[..slash];
    }

    private async Task<CompiledModule> CompileAsync(PreparedInput module, CancellationToken cancellationToken)
    {
        if (_compiled.TryGetValue(module.Cid, out var cached))
        {
            return cached;
        }

        var bytes = await File.ReadAllBytesAsync(module.HostPath, cancellationToken).ConfigureAwait(false);
        // Compiling is CPU-bound and can take a while for a large module: keep it off the caller's thread.
        var compiled = await Task.Run(() => _engine.Compile(bytes), cancellationToken).ConfigureAwait(false);
        return _compiled.GetOrAdd(module.Cid, compiled);
    }
}
