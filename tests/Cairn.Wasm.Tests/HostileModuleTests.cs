using System.Diagnostics;
using Cairn.Wasm.Runtime;
using Cairn.Wasm.Wasi;

namespace Cairn.Wasm.Tests;

/// <summary>Modules that try to hang, crash or exhaust the host: each must end in a trap while the host lives on.</summary>
public class HostileModuleTests
{
    private static WasmInstance Hostile(InstanceOptions? options = null) => TestModules.Compile("hostile").Instantiate(null, options);

    [Fact(Timeout = 60_000)]
    public async Task InfiniteLoop_WithFuelLimit_TrapsOutOfFuel()
    {
        var inst = Hostile(new InstanceOptions { Fuel = 1_000_000 });
        var trap = await Task.Run(() => Assert.Throws<WasmTrap>(() => inst.GetFunction("spin").Invoke()), TestTimeout.Token());
        Assert.Equal(TrapKind.OutOfFuel, trap.Kind);
    }

    [Fact(Timeout = 60_000)]
    public async Task InfiniteLoop_WithTimeout_StopsPromptly()
    {
        var compiled = WasmEngine.CompileUncached(TestModules.WatBytes("spin_start"));
        var sw = Stopwatch.StartNew();
        var result = await WasiRunner.RunAsync(compiled, new WasiConfig(), new WasiRunOptions { Timeout = TimeSpan.FromMilliseconds(200) }, TestTimeout.Token());
        Assert.Equal(TrapKind.Timeout, result.Trap?.Kind);
        Assert.Equal(WasiRunner.TrapExitCode, result.ExitCode);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        Assert.True(result.FuelUsed > 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task InfiniteLoop_Cancelled_StopsPromptly()
    {
        var compiled = WasmEngine.CompileUncached(TestModules.WatBytes("spin_start"));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestTimeout.Token());
        cts.CancelAfter(100);
        var result = await WasiRunner.RunAsync(compiled, new WasiConfig(), null, cts.Token);
        Assert.Equal(TrapKind.Cancelled, result.Trap?.Kind);
    }

    [Fact(Timeout = 60_000)]
    public async Task UnboundedRecursion_TrapsAndHostStaysUsable()
    {
        var inst = Hostile(new InstanceOptions { MaxCallDepth = 5_000 });
        var trap = await Task.Run(() => Assert.Throws<WasmTrap>(() => inst.GetFunction("recurse").Invoke(WasmValue.FromI32(0))), TestTimeout.Token());
        Assert.Equal(TrapKind.CallStackExhausted, trap.Kind);
        // The same instance still works after the trap.
        Assert.Equal(1, inst.GetFunction("huge").Invoke()[0].I32 + 2);
    }

    [Fact(Timeout = 60_000)]
    public async Task UnboundedRecursion_OnASmallStackWithAHugeDepthLimit_TrapsInsteadOfCrashing()
    {
        var inst = Hostile(new InstanceOptions { MaxCallDepth = int.MaxValue });
        WasmTrap? trap = null;
        var thread = new Thread(() => trap = Assert.Throws<WasmTrap>(() => inst.GetFunction("recurse").Invoke(WasmValue.FromI32(0))), 256 * 1024);
        thread.Start();
        await Task.Run(thread.Join, TestTimeout.Token());
        Assert.Equal(TrapKind.CallStackExhausted, trap?.Kind);
    }

    [Fact]
    public void MemoryBomb_GrowsOnlyToTheLimit()
    {
        var inst = Hostile(new InstanceOptions { MaxMemoryPages = 64 });
        Assert.Equal(64, inst.GetFunction("bomb").Invoke()[0].I32);
        Assert.Equal(-1, inst.GetFunction("huge").Invoke()[0].I32);
        Assert.Equal(64L * 65536, inst.DefaultMemory!.PeakBytes);
    }

    [Fact]
    public void InitialMemoryAboveLimit_FailsToInstantiate()
    {
        var e = Assert.Throws<CairnException>(() => Hostile(new InstanceOptions { MaxMemoryPages = 0 }));
        Assert.Contains("page limit", e.Message, StringComparison.Ordinal);
    }
}
