using System.Diagnostics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Cairn.Wasm.Compilation;

/// <summary>Compiles every function of a module into static methods of one type in a collectible assembly.</summary>
internal static class ModuleCompiler
{
    private static int s_counter;

    public static CompiledModule Compile(WasmModule module, CompileOptions options)
    {
        var sw = Stopwatch.StartNew();
        var id = Interlocked.Increment(ref s_counter);
        var asm = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"Cairn.Wasm.Compiled{id}"), AssemblyBuilderAccess.RunAndCollect);
        GrantAccess(asm);
        var mb = asm.DefineDynamicModule("code");
        var tb = mb.DefineType("WasmCode", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
        var builders = new MethodBuilder[module.Bodies.Count];
        for (var i = 0; i < builders.Length; i++)
        {
            var type = module.FunctionTypes[module.ImportedFunctionCount + i];
            builders[i] = tb.DefineMethod(
                $"f{module.ImportedFunctionCount + i}",
                MethodAttributes.Public | MethodAttributes.Static,
                ReturnType(type),
                ParameterTypes(type));
            // Wasm code is already optimized by its producer and usually hot: skip tier-0.
            builders[i].SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
        }

        var tokens = new CallTokens(mb);
        for (var i = 0; i < builders.Length; i++)
        {
            new FunctionCompiler(module, module.ImportedFunctionCount + i, builders, options, tokens).Compile(builders[i].GetILGenerator());
        }

        var created = tb.CreateType();
        var methods = new MethodInfo[builders.Length];
        var code = new IntPtr[builders.Length];
        // One lookup table: GetMethod(name) per function would scan all methods each time (quadratic).
        var byName = created.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).ToDictionary(m => m.Name, StringComparer.Ordinal);
        for (var i = 0; i < builders.Length; i++)
        {
            methods[i] = byName[builders[i].Name];
            code[i] = methods[i].MethodHandle.GetFunctionPointer();
        }

        return new CompiledModule(module, options, methods, code, sw.Elapsed);
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
