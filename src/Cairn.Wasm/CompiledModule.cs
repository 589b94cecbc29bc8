using System.Diagnostics;
using System.Reflection;
using System.Reflection.Emit;
using Cairn.Wasm.Compilation;
using Cairn.Wasm.Runtime;

namespace Cairn.Wasm;

/// <summary>
/// A decoded, validated module whose functions compile to .NET code (one collectible assembly):
/// instantiate it any number of times. Every function was validated up front; each one's IL is
/// generated on its first call (or all at once with <see cref="CompileOptions.Eager"/>), so a large
/// module starts in the time it takes to validate it. The code is unloaded when neither this object
/// nor any of its instances is reachable.
/// </summary>
public sealed class CompiledModule
{
    private readonly ModuleBuilder _code;
    private readonly CallTokens _tokens;
    private readonly MethodInfo?[] _methods;
    private readonly Lock _lock = new();
    private int _compiledCount;
    private long _lazyTicks;

    internal CompiledModule(WasmModule module, CompileOptions options, ModuleBuilder code)
    {
        Module = module;
        Options = options;
        _code = code;
        _tokens = new CallTokens(code);
        _methods = new MethodInfo?[module.Bodies.Count];
        Code = new IntPtr[module.Bodies.Count];
    }

    /// <summary>The decoded module.</summary>
    public WasmModule Module { get; }

    /// <summary>The options it was compiled with.</summary>
    public CompileOptions Options { get; }

    /// <summary>How long decoding and validation (and, when eager, IL generation) took. JIT compilation happens on first call.</summary>
    public TimeSpan CompileTime { get; internal set; }

    /// <summary>How many of the module's functions have been compiled to IL so far.</summary>
    public int CompiledFunctions => Volatile.Read(ref _compiledCount);

    /// <summary>
    /// Entry points of the module's own functions by local index (imports excluded); zero until the
    /// function is compiled. Compiled code reads it directly and calls <see cref="Resolve"/> on a zero.
    /// </summary>
    internal IntPtr[] Code { get; }

    /// <summary>The collectible assembly the code lives in.</summary>
    internal Assembly Assembly => _code.Assembly;

    /// <summary>Creates an instance: links imports, runs segment initializers and the start function.</summary>
    /// <exception cref="CairnException">An import is missing or has the wrong type.</exception>
    /// <exception cref="WasmTrap">Initialization trapped.</exception>
    public WasmInstance Instantiate(WasmImports? imports = null, InstanceOptions? options = null) =>
        WasmInstance.Create(this, imports, options ?? new InstanceOptions());

    /// <summary>The entry point of local function <paramref name="local"/>, compiling it first if needed.</summary>
    internal IntPtr Resolve(int local)
    {
        var code = Volatile.Read(ref Code[local]);
        return code != IntPtr.Zero ? code : Compile(local).Code;
    }

    /// <summary>The method of local function <paramref name="local"/>, compiling it first if needed.</summary>
    internal MethodInfo MethodOf(int local) => Volatile.Read(ref _methods[local]) ?? Compile(local).Method;

    /// <summary>Time spent generating IL for functions on their first call (after <see cref="CompileTime"/>).</summary>
    internal TimeSpan LazyCompileTime => TimeSpan.FromTicks(Volatile.Read(ref _lazyTicks));

    /// <summary>Compiles every function not compiled yet, into one type (a type per function costs more when there are thousands).</summary>
    internal void CompileAll()
    {
        lock (_lock)
        {
            var pending = new List<int>();
            for (var i = 0; i < _methods.Length; i++)
            {
                if (_methods[i] is null)
                {
                    pending.Add(i);
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            var methods = ModuleCompiler.CompileFunctions(Module, Options, _code, _tokens, pending);
            for (var k = 0; k < pending.Count; k++)
            {
                Publish(pending[k], methods[k]);
            }
        }
    }

    private (IntPtr Code, MethodInfo Method) Compile(int local)
    {
        // The module builder is not thread-safe, and instances of one module may run on many threads.
        lock (_lock)
        {
            if (_methods[local] is { } done)
            {
                return (Code[local], done);
            }

            var start = Stopwatch.GetTimestamp();
            var method = ModuleCompiler.CompileFunctions(Module, Options, _code, _tokens, [local])[0];
            var code = Publish(local, method);
            _lazyTicks += Stopwatch.GetElapsedTime(start).Ticks;
            return (code, method);
        }
    }

    private IntPtr Publish(int local, MethodInfo method)
    {
        var code = method.MethodHandle.GetFunctionPointer();
        Volatile.Write(ref _methods[local], method);
        Volatile.Write(ref Code[local], code);
        _compiledCount++;
        return code;
    }
}
