using System.Runtime.CompilerServices;
using Cairn.Wasm.Runtime;

namespace Cairn.Wasm.Tests;

/// <summary>Compiled modules live in collectible assemblies: once unreachable, their code is unloaded.</summary>
public class UnloadTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference CompileRunAndForget()
    {
        var compiled = TestModules.Compile("arith");
        var instance = compiled.Instantiate();
        Assert.Equal(3, instance.GetFunction("add").Invoke(WasmValue.FromI32(1), WasmValue.FromI32(2))[0].I32);
        return new WeakReference(compiled.Assembly);
    }

    [Fact(Timeout = 60_000)]
    public async Task CompiledModule_WhenUnreachable_IsUnloaded()
    {
        var assembly = CompileRunAndForget();
        for (var i = 0; i < 50 && assembly.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(20, TestTimeout.Token());
        }

        Assert.False(assembly.IsAlive, "the collectible assembly of a dropped module should be unloaded");
    }
}
