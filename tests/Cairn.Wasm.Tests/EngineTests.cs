using Cairn.Wasm.Runtime;

namespace Cairn.Wasm.Tests;

public class EngineTests
{
    private static WasmInstance Arith(InstanceOptions? options = null) => TestModules.Compile("arith").Instantiate(null, options);

    private static long Fib(long n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

    [Fact]
    public void Add_TwoNumbers_ReturnsWrappedSum()
    {
        var add = Arith().GetFunction("add");
        Assert.Equal(5, add.Invoke(WasmValue.FromI32(2), WasmValue.FromI32(3))[0].I32);
        Assert.Equal(int.MinValue, add.Invoke(WasmValue.FromI32(int.MaxValue), WasmValue.FromI32(1))[0].I32);
    }

    [Fact]
    public void Fib_Recursive_MatchesCSharp()
    {
        var fib = Arith().GetFunction("fib");
        for (var n = 0; n <= 20; n++)
        {
            Assert.Equal(Fib(n), fib.Invoke(WasmValue.FromI64(n))[0].I64);
        }
    }

    [Fact]
    public void SumTo_Loop_MatchesFormula()
    {
        var sum = Arith().GetFunction("sum_to");
        foreach (var n in new[] { 0, 1, 10, 100_000 })
        {
            Assert.Equal((long)n * (n - 1) / 2, sum.Invoke(WasmValue.FromI32(n))[0].I64);
        }
    }

    [Fact]
    public void Swap_MultiValue_ReturnsBothResults()
    {
        var r = Arith().GetFunction("swap").Invoke(WasmValue.FromI32(7), WasmValue.FromI64(-9));
        Assert.Equal(-9, r[0].I64);
        Assert.Equal(7, r[1].I32);
    }

    [Fact]
    public void Global_Bump_PersistsAcrossCallsPerInstance()
    {
        var a = Arith();
        var b = Arith();
        a.GetFunction("bump").Invoke();
        Assert.Equal(2, a.GetFunction("bump").Invoke()[0].I32);
        Assert.Equal(1, b.GetFunction("bump").Invoke()[0].I32);
        Assert.Equal(2, a.GetGlobal("counter").Value.I32);
    }

    [Theory]
    [InlineData(1, 0, TrapKind.IntegerDivideByZero)]
    [InlineData(int.MinValue, -1, TrapKind.IntegerOverflow)]
    public void Div_BadOperands_Traps(int a, int b, TrapKind kind)
    {
        var trap = Assert.Throws<WasmTrap>(() => Arith().GetFunction("div").Invoke(WasmValue.FromI32(a), WasmValue.FromI32(b)));
        Assert.Equal(kind, trap.Kind);
    }

    [Fact]
    public void Unreachable_Executed_TrapsWithKind()
    {
        Assert.Equal(TrapKind.Unreachable, Assert.Throws<WasmTrap>(() => Arith().GetFunction("unreachable").Invoke()).Kind);
    }

    [Fact]
    public void Memory_LoadStoreBounds_TrapExactlyAtTheEnd()
    {
        var inst = Arith();
        var store = inst.GetFunction("store");
        var load = inst.GetFunction("load");
        store.Invoke(WasmValue.FromI32(65532), WasmValue.FromI32(0x12345678));
        Assert.Equal(0x12345678, load.Invoke(WasmValue.FromI32(65532))[0].I32);
        Assert.Equal(TrapKind.MemoryOutOfBounds, Assert.Throws<WasmTrap>(() => load.Invoke(WasmValue.FromI32(65533))).Kind);
        Assert.Equal(TrapKind.MemoryOutOfBounds, Assert.Throws<WasmTrap>(() => load.Invoke(WasmValue.FromI32(-1))).Kind);
        Assert.Equal(1, inst.GetFunction("grow").Invoke(WasmValue.FromI32(1))[0].I32);
        Assert.Equal(0, load.Invoke(WasmValue.FromI32(65533))[0].I32 & 0);
        Assert.Equal(-1, inst.GetFunction("grow").Invoke(WasmValue.FromI32(3))[0].I32);
    }

    [Fact]
    public void CallIndirect_TableEntries_CallOrTrapByKind()
    {
        var apply = TestModules.Compile("indirect").Instantiate().GetFunction("apply");
        WasmValue[] Args(int i) => [WasmValue.FromI32(i), WasmValue.FromI32(10), WasmValue.FromI32(3)];
        Assert.Equal(13, apply.Invoke(Args(0))[0].I32);
        Assert.Equal(7, apply.Invoke(Args(1))[0].I32);
        Assert.Equal(TrapKind.IndirectCallTypeMismatch, Assert.Throws<WasmTrap>(() => apply.Invoke(Args(2))).Kind);
        Assert.Equal(TrapKind.UninitializedElement, Assert.Throws<WasmTrap>(() => apply.Invoke(Args(3))).Kind);
        Assert.Equal(TrapKind.UndefinedElement, Assert.Throws<WasmTrap>(() => apply.Invoke(Args(4))).Kind);
    }

    [Fact]
    public void NaN_DeterministicMode_IsCanonicalPositiveQuietNaN()
    {
        var div = TestModules.Compile("arith").Instantiate().GetFunction("f32_div");
        var r = div.Invoke(WasmValue.FromF32(0f), WasmValue.FromF32(0f))[0];
        Assert.Equal(0x7FC0_0000UL, r.Bits);
    }

    [Fact]
    public void Fuel_SameCallTwice_CostsTheSame()
    {
        var a = Arith();
        var b = Arith();
        a.GetFunction("sum_to").Invoke(WasmValue.FromI32(1000));
        b.GetFunction("sum_to").Invoke(WasmValue.FromI32(1000));
        Assert.Equal(a.FuelConsumed, b.FuelConsumed);
        Assert.True(a.FuelConsumed > 1000 * 10, $"fuel {a.FuelConsumed} should count every instruction of the loop");
        var c = Arith();
        c.GetFunction("sum_to").Invoke(WasmValue.FromI32(2000));
        Assert.True(c.FuelConsumed > a.FuelConsumed * 19 / 10);
    }

    [Fact]
    public void Fuel_LimitReached_TrapsOutOfFuel()
    {
        var inst = Arith(new InstanceOptions { Fuel = 5_000 });
        var trap = Assert.Throws<WasmTrap>(() => inst.GetFunction("sum_to").Invoke(WasmValue.FromI32(1_000_000)));
        Assert.Equal(TrapKind.OutOfFuel, trap.Kind);
        Assert.InRange(inst.FuelConsumed, 5_000, 5_100);
    }

    [Fact]
    public void Compile_SameBytesTwice_ComesFromCache()
    {
        var engine = new WasmEngine();
        var a = engine.Compile(TestModules.WatBytes("arith"));
        var b = engine.Compile(TestModules.WatBytes("arith"));
        Assert.Same(a, b);
        Assert.Equal(1, engine.CachedModules);
    }

    [Fact]
    public void Instantiate_MissingImport_NamesIt()
    {
        var bytes = TestModules.WatBytes("arith");
        var wasi = File.ReadAllBytes(TestModules.C("hello"));
        var e = Assert.Throws<CairnException>(() => WasmEngine.CompileUncached(wasi).Instantiate());
        Assert.Contains("wasi_snapshot_preview1", e.Message, StringComparison.Ordinal);
        Assert.NotEmpty(bytes);
    }
}
