using System.Diagnostics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Cairn.Wasm.Compilation;

/// <summary>
/// Compiles a module's functions into static methods of a collectible assembly, one type per
/// function, each when it is first needed (<see cref="CompiledModule"/> decides when). Functions
/// call each other through the module's code table, so no function's IL depends on another's
/// having been generated.
/// </summary>
internal static class ModuleCompiler
{
    private static int s_counter;

    public static CompiledModule Compile(WasmModule module, CompileOptions options)
    {
        var sw = Stopwatch.StartNew();
        var id = Interlocked.Increment(ref s_counter);
        var asm = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"Cairn.Wasm.Compiled{id}"), AssemblyBuilderAccess.RunAndCollect);
        GrantAccess(asm);
        var compiled = new CompiledModule(module, options, asm.DefineDynamicModule("code"));
        if (options.Eager)
        {
            compiled.CompileAll();
        }

        compiled.CompileTime = sw.Elapsed;
        return compiled;
    }

    /// <summary>
    /// Generates the local functions <paramref name="locals"/> as static methods <c>f{index}</c> of one
    /// new type, <c>WasmCode{first index}</c>, and returns them in the same order.
    /// </summary>
    public static MethodInfo[] CompileFunctions(WasmModule module, CompileOptions options, ModuleBuilder code, CallTokens tokens, IReadOnlyList<int> locals)
    {
        var tb = code.DefineType($"WasmCode{module.ImportedFunctionCount + locals[0]}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
        var builders = new MethodBuilder[locals.Count];
        for (var k = 0; k < locals.Count; k++)
        {
            var index = module.ImportedFunctionCount + locals[k];
            var type = module.FunctionTypes[index];
            builders[k] = tb.DefineMethod($"f{index}", MethodAttributes.Public | MethodAttributes.Static, ReturnType(type), ParameterTypes(type));
            // Wasm code is already optimized by its producer and usually hot: skip tier-0.
            builders[k].SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
            new FunctionCompiler(module, index, options, tokens).Compile(builders[k].GetILGenerator());
        }

        var created = tb.CreateType();
        // One lookup table: GetMethod(name) per function would scan all methods each time (quadratic).
        var byName = created.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).ToDictionary(m => m.Name, StringComparer.Ordinal);
        return [.. builders.Select(b => byName[b.Name])];
    }

    public static Type ReturnType(FuncType type) => type.Results.Length == 1 ? IlTypes.Of(type.Results[0]) : typeof(void);

    public static Type[] ParameterTypes(FuncType type)
    {
        var p = new Type[type.Params.Length + 1];
        for (var i = 0; i < type.Params.Length; i++)
        {
            p[i] = IlTypes.Of(type.Params[i]);
        }

        p[^1] = typeof(object);
        return p;
    }

    /// <summary>Lets code in <paramref name="asm"/> use Cairn.Wasm's internal members.</summary>
    public static void GrantAccess(AssemblyBuilder asm)
    {
        var ctor = typeof(IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!;
        asm.SetCustomAttribute(new CustomAttributeBuilder(ctor, [typeof(ModuleCompiler).Assembly.GetName().Name!]));
    }
}
