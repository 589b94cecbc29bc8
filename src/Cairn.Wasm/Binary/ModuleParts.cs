namespace Cairn.Wasm.Binary;

/// <summary>A constant expression: a byte range of the module holding instructions up to <c>end</c>.</summary>
internal readonly record struct ConstExpr(int Start, int End);

/// <summary>A global defined by the module.</summary>
internal sealed record GlobalDef(GlobalType Type, ConstExpr Init);

/// <summary>Element segment modes.</summary>
internal enum SegmentMode
{
    Passive,
    Active,
    Declarative,
}

/// <summary>An element segment: either function indices or constant expressions.</summary>
internal sealed record ElementSegment(SegmentMode Mode, int Table, ConstExpr Offset, ValType Type, int[]? FuncIndices, ConstExpr[]? Exprs, int Position)
{
    public int Count => FuncIndices?.Length ?? Exprs!.Length;
}

/// <summary>A data segment.</summary>
internal sealed record DataSegment(SegmentMode Mode, int Memory, ConstExpr Offset, int DataStart, int DataLength, int Position);

/// <summary>A function body: declared locals and the code range (after the locals, up to and including the final end).</summary>
internal sealed record FunctionBody(ValType[] Locals, int CodeStart, int CodeEnd);
