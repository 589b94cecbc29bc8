namespace Cairn.Wasm.Compilation;

/// <summary>The CLR type that represents each value type on the IL stack.</summary>
internal static class IlTypes
{
    public static Type Of(ValType t) => t switch
    {
        ValType.I32 => typeof(int),
        ValType.I64 => typeof(long),
        ValType.F32 => typeof(float),
        ValType.F64 => typeof(double),
        _ => typeof(object),
    };

    public static string Suffix(ValType t) => t switch
    {
        ValType.I32 => "I32",
        ValType.I64 => "I64",
        ValType.F32 => "F32",
        ValType.F64 => "F64",
        _ => "Ref",
    };
}
