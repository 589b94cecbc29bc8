using System.Collections.Concurrent;
using Cairn.Multiformats;

namespace Cairn.Wasm;

/// <summary>
/// Compiles modules and caches the results by the module's CID (raw codec, sha2-256), so the same
/// bytes are decoded, validated and compiled once per process however many times they run.
/// </summary>
public sealed class WasmEngine
{
    private readonly ConcurrentDictionary<string, Lazy<CompiledModule>> _cache = new(StringComparer.Ordinal);

    /// <summary>A process-wide engine.</summary>
    public static WasmEngine Shared { get; } = new();

    /// <summary>Number of compiled modules in the cache.</summary>
    public int CachedModules => _cache.Count;

    /// <summary>Decodes, validates and compiles a module (or returns the cached compilation of identical bytes and options).</summary>
    /// <exception cref="CairnException">The module is malformed, invalid or uses an unsupported feature.</exception>
    public CompiledModule Compile(byte[] bytes, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        options ??= new CompileOptions();
        var key = Cid.Compute(1, Multicodec.Raw, bytes) + (options.CanonicalizeNaN ? "/det" : "/native") + (options.Eager ? "/eager" : "");
        var lazy = _cache.GetOrAdd(key, _ => new Lazy<CompiledModule>(() => CompileUncached(bytes, options)));
        try
        {
            return lazy.Value;
        }
        catch (CairnException)
        {
            _cache.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>Decodes, validates and compiles a module without caching.</summary>
    public static CompiledModule CompileUncached(byte[] bytes, CompileOptions? options = null) =>
        Compilation.ModuleCompiler.Compile(WasmModule.Decode(bytes), options ?? new CompileOptions());
}
