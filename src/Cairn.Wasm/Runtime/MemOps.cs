using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cairn.Wasm.Runtime;

/// <summary>
/// Linear-memory loads and stores called from compiled code. Each is one 64-bit bounds check
/// (address + offset + size against the array length) and an unaligned access; the JIT inlines them.
/// </summary>
internal static class MemOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LoadI32(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 4 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadI64(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 8 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadF32(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 4 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<float>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LoadF64(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 8 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<double>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LoadI32S8(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 1 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<sbyte>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LoadI32U8(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 1 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<byte>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LoadI32S16(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 2 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<short>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LoadI32U16(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 2 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadI64S8(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 1 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<sbyte>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadI64U8(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 1 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<byte>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadI64S16(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 2 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<short>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadI64U16(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 2 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadI64S32(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 4 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadI64U32(int address, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 4 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        return Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreI32(int address, int value, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 4 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreI64(int address, long value, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 8 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreF32(int address, float value, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 4 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreF64(int address, double value, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 8 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreI32U8(int address, int value, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 1 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea), (byte)value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreI32U16(int address, int value, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 2 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea), (ushort)value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreI64U8(int address, long value, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 1 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea), (byte)value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreI64U16(int address, long value, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 2 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea), (ushort)value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreI64U32(int address, long value, byte[] mem, uint offset)
    {
        var ea = (ulong)(uint)address + offset;
        if (ea + 4 > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mem), (nint)ea), (uint)value);
    }
}
