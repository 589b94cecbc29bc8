using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Cairn.Wasm.Runtime;

/// <summary>Throw helpers kept out of line so the hot helpers that call them stay small enough to inline.</summary>
internal static class Traps
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
