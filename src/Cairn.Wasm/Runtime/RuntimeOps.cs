using System.Runtime.CompilerServices;

namespace Cairn.Wasm.Runtime;

/// <summary>Memory, table and bulk operations called from compiled code (the context argument is the running instance).</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
#pragma warning disable CS1591 // Called only by compiled wasm code: public so the JIT may inline it there.
public static class RuntimeOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte Data(byte[] memory) => ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(memory);

    public static int MemoryGrow(int delta, object ctx) => Unsafe.As<WasmInstance>(ctx).Memory!.Grow((uint)delta);

    public static void MemoryInit(int d, int s, int n, object ctx, int segment)
    {
        var inst = Unsafe.As<WasmInstance>(ctx);
        var data = inst.DataSegments[segment] ?? [];
        var mem = inst.Memory!.Bytes;
        if ((ulong)(uint)s + (uint)n > (ulong)data.Length || (ulong)(uint)d + (uint)n > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        data.AsSpan(s, n).CopyTo(mem.AsSpan(d, n));
    }

    public static void DataDrop(object ctx, int segment) => Unsafe.As<WasmInstance>(ctx).DataSegments[segment] = null;

    public static void MemoryCopy(int d, int s, int n, byte[] mem)
    {
        if ((ulong)(uint)s + (uint)n > (ulong)mem.Length || (ulong)(uint)d + (uint)n > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        mem.AsSpan(s, n).CopyTo(mem.AsSpan(d, n));
    }

    public static void MemoryFill(int d, int value, int n, byte[] mem)
    {
        if ((ulong)(uint)d + (uint)n > (ulong)mem.Length)
        {
            Traps.Throw(TrapKind.MemoryOutOfBounds);
        }

        mem.AsSpan(d, n).Fill((byte)value);
    }

    public static object? TableGet(int i, WasmTable t)
    {
        var e = t.Elements;
        if ((uint)i >= (uint)e.Length)
        {
            Traps.Throw(TrapKind.TableOutOfBounds);
        }

        return e[i];
    }

    public static void TableSet(int i, object? value, WasmTable t)
    {
        var e = t.Elements;
        if ((uint)i >= (uint)e.Length)
        {
            Traps.Throw(TrapKind.TableOutOfBounds);
        }

        e[i] = value;
    }

    public static int TableSize(WasmTable t) => t.Elements.Length;

    public static int TableGrow(object? init, int n, WasmTable t) => t.Grow((uint)n, init);

    public static void TableFill(int i, object? value, int n, WasmTable t)
    {
        var e = t.Elements;
        if ((ulong)(uint)i + (uint)n > (ulong)e.Length)
        {
            Traps.Throw(TrapKind.TableOutOfBounds);
        }

        e.AsSpan(i, n).Fill(value);
    }

    public static void TableCopy(int d, int s, int n, object ctx, int dstTable, int srcTable)
    {
        var inst = Unsafe.As<WasmInstance>(ctx);
        var dst = inst.Tables[dstTable].Elements;
        var src = inst.Tables[srcTable].Elements;
        if ((ulong)(uint)s + (uint)n > (ulong)src.Length || (ulong)(uint)d + (uint)n > (ulong)dst.Length)
        {
            Traps.Throw(TrapKind.TableOutOfBounds);
        }

        src.AsSpan(s, n).CopyTo(dst.AsSpan(d, n));
    }

    public static void TableInit(int d, int s, int n, object ctx, int segment, int table)
    {
        var inst = Unsafe.As<WasmInstance>(ctx);
        var items = inst.ElemSegments[segment] ?? [];
        var dst = inst.Tables[table].Elements;
        if ((ulong)(uint)s + (uint)n > (ulong)items.Length || (ulong)(uint)d + (uint)n > (ulong)dst.Length)
        {
            Traps.Throw(TrapKind.TableOutOfBounds);
        }

        items.AsSpan(s, n).CopyTo(dst.AsSpan(d, n));
    }

    public static void ElemDrop(object ctx, int segment) => Unsafe.As<WasmInstance>(ctx).ElemSegments[segment] = null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WasmFunction CallIndirect(int i, WasmTable t, int typeId)
    {
        var e = t.Elements;
        if ((uint)i >= (uint)e.Length)
        {
            Traps.Throw(TrapKind.UndefinedElement);
        }

        var f = Unsafe.As<WasmFunction>(e[i]);
        if (f is null)
        {
            Traps.Throw(TrapKind.UninitializedElement);
        }

        if (f.TypeId != typeId)
        {
            Traps.Throw(TrapKind.IndirectCallTypeMismatch);
        }

        if (f.Code == IntPtr.Zero)
        {
            f.EnsureCode();
        }

        return f;
    }

    /// <summary>The entry point of the calling module's local function <paramref name="local"/>, compiled on this first call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IntPtr ResolveCode(WasmInstance instance, int local) => instance.Module.Resolve(local);
}
#pragma warning restore CS1591
