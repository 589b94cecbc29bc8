using System.Reflection;
using Cairn.Wasm.Runtime;

namespace Cairn.Wasm;

/// <summary>
/// A module compiled to .NET code (one collectible assembly): instantiate it any number of times.
/// The code is unloaded when neither this object nor any of its instances is reachable.
/// </summary>
public sealed class CompiledModule
{
    internal CompiledModule(WasmModule module, CompileOptions options, MethodInfo[] methods, IntPtr[] code, TimeSpan compileTime)
    {
        Module = module;
        Options = options;
        Methods = methods;
        Code = code;
        CompileTime = compileTime;
    }

    /// <summary>The decoded module.</summary>
    public WasmModule Module { get; }

    /// <summary>The options it was compiled with.</summary>
    public CompileOptions Options { get; }

    /// <summary>How long decoding-to-IL took (JIT compilation happens lazily on first call).</summary>
    public TimeSpan CompileTime { get; }

    internal MethodInfo[] Methods { get; }

    internal IntPtr[] Code { get; }

    /// <summary>Creates an instance: links imports, runs segment initializers and the start function.</summary>
    /// <exception cref="CairnException">An import is missing or has the wrong type.</exception>
    /// <exception cref="WasmTrap">Initialization trapped.</exception>
    public WasmInstance Instantiate(WasmImports? imports = null, InstanceOptions? options = null) =>
        WasmInstance.Create(this, imports, options ?? new InstanceOptions());
}
