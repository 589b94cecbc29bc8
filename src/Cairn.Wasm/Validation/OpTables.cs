namespace Cairn.Wasm.Validation;

/// <summary>Type signatures of the numeric and memory opcodes, shared by the validator and the compiler.</summary>
internal static class OpTables
{
    /// <summary>For opcodes 0x45..0xC4: operand types (1 or 2) and result type; null entries are not numeric.</summary>
    public static readonly (ValType A, ValType B, int Arity, ValType Result)?[] Numeric = BuildNumeric();

    /// <summary>For 0xFC 0..7 (saturating truncations): operand and result.</summary>
    public static readonly (ValType From, ValType To)[] TruncSat =
    [
        (ValType.F32, ValType.I32), (ValType.F32, ValType.I32), (ValType.F64, ValType.I32), (ValType.F64, ValType.I32),
        (ValType.F32, ValType.I64), (ValType.F32, ValType.I64), (ValType.F64, ValType.I64), (ValType.F64, ValType.I64),
    ];

    /// <summary>Memory access opcodes 0x28..0x3E: value type, access size in bytes (log2 = max alignment), store?</summary>
    public static (ValType Type, int SizeLog2, bool Store) Memory(byte op) => op switch
    {
        0x28 => (ValType.I32, 2, false),
        0x29 => (ValType.I64, 3, false),
        0x2A => (ValType.F32, 2, false),
        0x2B => (ValType.F64, 3, false),
        0x2C or 0x2D => (ValType.I32, 0, false),
        0x2E or 0x2F => (ValType.I32, 1, false),
        0x30 or 0x31 => (ValType.I64, 0, false),
        0x32 or 0x33 => (ValType.I64, 1, false),
        0x34 or 0x35 => (ValType.I64, 2, false),
        0x36 => (ValType.I32, 2, true),
        0x37 => (ValType.I64, 3, true),
        0x38 => (ValType.F32, 2, true),
        0x39 => (ValType.F64, 3, true),
        0x3A => (ValType.I32, 0, true),
        0x3B => (ValType.I32, 1, true),
        0x3C => (ValType.I64, 0, true),
        0x3D => (ValType.I64, 1, true),
        0x3E => (ValType.I64, 2, true),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static (ValType, ValType, int, ValType)?[] BuildNumeric()
    {
        var t = new (ValType, ValType, int, ValType)?[0xC5];
        void Range(int from, int to, ValType a, int arity, ValType result)
        {
            for (var op = from; op <= to; op++)
            {
                t[op] = (a, a, arity, result);
            }
        }

        const ValType I32 = ValType.I32, I64 = ValType.I64, F32 = ValType.F32, F64 = ValType.F64;
        Range(0x45, 0x45, I32, 1, I32);
        Range(0x46, 0x4F, I32, 2, I32);
        Range(0x50, 0x50, I64, 1, I32);
        Range(0x51, 0x5A, I64, 2, I32);
        Range(0x5B, 0x60, F32, 2, I32);
        Range(0x61, 0x66, F64, 2, I32);
        Range(0x67, 0x69, I32, 1, I32);
        Range(0x6A, 0x78, I32, 2, I32);
        Range(0x79, 0x7B, I64, 1, I64);
        Range(0x7C, 0x8A, I64, 2, I64);
        Range(0x8B, 0x91, F32, 1, F32);
        Range(0x92, 0x98, F32, 2, F32);
        Range(0x99, 0x9F, F64, 1, F64);
        Range(0xA0, 0xA6, F64, 2, F64);
        Range(0xA7, 0xA7, I64, 1, I32);
        Range(0xA8, 0xA9, F32, 1, I32);
        Range(0xAA, 0xAB, F64, 1, I32);
        Range(0xAC, 0xAD, I32, 1, I64);
        Range(0xAE, 0xAF, F32, 1, I64);
        Range(0xB0, 0xB1, F64, 1, I64);
        Range(0xB2, 0xB3, I32, 1, F32);
        Range(0xB4, 0xB5, I64, 1, F32);
        Range(0xB6, 0xB6, F64, 1, F32);
        Range(0xB7, 0xB8, I32, 1, F64);
        Range(0xB9, 0xBA, I64, 1, F64);
        Range(0xBB, 0xBB, F32, 1, F64);
        Range(0xBC, 0xBC, F32, 1, I32);
        Range(0xBD, 0xBD, F64, 1, I64);
        Range(0xBE, 0xBE, I32, 1, F32);
        Range(0xBF, 0xBF, I64, 1, F64);
        Range(0xC0, 0xC1, I32, 1, I32);
        Range(0xC2, 0xC4, I64, 1, I64);
        return t;
    }
}
