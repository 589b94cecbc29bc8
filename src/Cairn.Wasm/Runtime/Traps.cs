using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Cairn.Wasm.Runtime;

/// <summary>Throw helpers kept out of line so the hot helpers that call them stay small enough to inline.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
#pragma warning disable CS1591 // Called only by compiled wasm code: public so the JIT may inline it there.
public static class Traps
{
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Throw(TrapKind kind) => throw new WasmTrap(kind);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception Create(int kind) => new WasmTrap((TrapKind)kind);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception Interrupted(object instance)
    {
        var inst = Unsafe.As<WasmInstance>(instance);
        return new WasmTrap(inst.Interrupt == 2 ? TrapKind.Cancelled : TrapKind.Timeout);
    }
}
#pragma warning restore CS1591
