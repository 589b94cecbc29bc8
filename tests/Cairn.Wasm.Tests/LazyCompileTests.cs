using System.Text;
using Cairn.Wasm.Runtime;
using Cairn.Wasm.Wasi;

namespace Cairn.Wasm.Tests;

/// <summary>
/// Functions are validated up front and compiled to IL on their first call: what runs is exactly what
/// eager compilation would run, and a function nobody calls costs nothing but its validation.
/// </summary>
public class LazyCompileTests
{
    // lazy.wat, in index order: inc, twice_inc, double, triple, never, fib, run, apply, exported_triple.
    private const int Functions = 9;

    [Fact]
    public void Compile_Lazy_GeneratesOnlyWhatRuns()
    {
        var compiled = TestModules.Compile("lazy");
        var instance = compiled.Instantiate();
        Assert.Equal(0, compiled.CompiledFunctions);

        Assert.Equal(7, instance.GetFunction("run").Invoke(WasmValue.FromI32(5))[0].I32);
        Assert.Equal(3, compiled.CompiledFunctions); // run, twice_inc, inc

        Assert.Equal(12, instance.GetFunction("apply").Invoke(WasmValue.FromI32(6), WasmValue.FromI32(0))[0].I32);
        Assert.Equal(5, compiled.CompiledFunctions); // + apply, and double through the table
        Assert.Equal(18, instance.GetFunction("apply").Invoke(WasmValue.FromI32(6), WasmValue.FromI32(1))[0].I32);
        Assert.Equal(6, compiled.CompiledFunctions); // + triple
    }

    [Fact]
    public void Compile_Eager_GeneratesEveryFunctionUpFront()
    {
        var compiled = TestModules.Compile("lazy", new CompileOptions { Eager = true });
        Assert.Equal(Functions, compiled.CompiledFunctions);
        Assert.Equal(7, compiled.Instantiate().GetFunction("run").Invoke(WasmValue.FromI32(5))[0].I32);
        Assert.Equal(Functions, compiled.CompiledFunctions);
    }

    [Fact]
    public void Compile_InvalidFunctionNeverCalled_StillRejectedUpFront()
    {
        // (func (result i32) (i32.const 1) (i64.const 2) (i32.add)): operands mismatched, in a function
        // that is never called. Validation is not lazy: the module is rejected at compile time.
        byte[] bytes =
        [
            0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, // type: () -> i32
            0x03, 0x02, 0x01, 0x00, // one function of type 0
            0x0A, 0x09, 0x01, 0x07, 0x00, 0x41, 0x01, 0x42, 0x02, 0x6A, 0x0B, // code: the body above
        ];
        var e = Assert.Throws<CairnException>(() => WasmEngine.CompileUncached(bytes));
        Assert.Contains("invalid module", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_UncalledFunctionOfAnotherInstance_IsCompiledWhenLinked()
    {
        var lazy = TestModules.Compile("lazy");
        var provider = lazy.Instantiate();
        var user = TestModules.Compile("lazy_user").Instantiate(new WasmImports().AddInstance("lazy", provider));
        Assert.Equal(31, user.GetFunction("triple_plus_one").Invoke(WasmValue.FromI32(10))[0].I32);
        Assert.Equal(2, lazy.CompiledFunctions); // exported_triple (at link time) and triple
    }

    [Fact(Timeout = 60_000)]
    public async Task FirstCalls_FromManyThreadsAtOnce_EachFunctionCompiledOnce()
    {
        var compiled = TestModules.Compile("lazy");
        const int threads = 8;
        using var start = new Barrier(threads);
        var results = await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var instance = compiled.Instantiate();
                start.SignalAndWait(TestTimeout.Token());
                return (
                    Fib: instance.GetFunction("fib").Invoke(WasmValue.FromI32(15 + (t % 3)))[0].I32,
                    Run: instance.GetFunction("run").Invoke(WasmValue.FromI32(t))[0].I32,
                    Apply: instance.GetFunction("apply").Invoke(WasmValue.FromI32(t), WasmValue.FromI32(t % 2))[0].I32);
            },
            TestTimeout.Token(),
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        int[] fib = [610, 987, 1597];
        for (var t = 0; t < threads; t++)
        {
            Assert.Equal((fib[t % 3], t + 2, t % 2 == 0 ? t * 2 : t * 3), results[t]);
        }

        Assert.Equal(7, compiled.CompiledFunctions); // all but never and exported_triple
    }

    [Fact(Timeout = 60_000)]
    public async Task WasiProgram_LazyAndEager_SameOutputAndFuel()
    {
        var bytes = File.ReadAllBytes(TestModules.C("wc"));
        var input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i}: the quick brown fox {i * 7}\n")));
        var lazy = await RunAsync(WasmEngine.CompileUncached(bytes), input);
        var eager = await RunAsync(WasmEngine.CompileUncached(bytes, new CompileOptions { Eager = true }), input);
        Assert.Equal((0, eager.Stdout, eager.Fuel), (lazy.ExitCode, lazy.Stdout, lazy.Fuel));
        Assert.StartsWith("500 3500 ", lazy.Stdout, StringComparison.Ordinal);
        Assert.True(lazy.Fuel > 0);
    }

    private static async Task<(int ExitCode, string Stdout, long Fuel)> RunAsync(CompiledModule compiled, byte[] stdin)
    {
        var stdout = new MemoryStream();
        var result = await WasiRunner.RunAsync(
            compiled,
            new WasiConfig { Args = ["wc.wasm"], Stdin = new MemoryStream(stdin), Stdout = stdout, Stderr = Stream.Null },
            null,
            TestTimeout.Token());
        return (result.ExitCode, Encoding.UTF8.GetString(stdout.ToArray()), result.FuelUsed);
    }
}
