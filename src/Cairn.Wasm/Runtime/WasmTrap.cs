namespace Cairn.Wasm.Runtime;

/// <summary>A WebAssembly trap: execution stopped, the instance's state is as the trap left it.</summary>
public sealed class WasmTrap : CairnException
{
    /// <summary>Creates a trap of a kind.</summary>
    public WasmTrap(TrapKind kind)
        : base(kind is TrapKind.Timeout ? ErrorCode.Timeout : ErrorCode.InvalidInput, MessageOf(kind)) => Kind = kind;

    /// <summary>Creates a trap of a kind with a custom message.</summary>
    public WasmTrap(TrapKind kind, string message, Exception? inner = null)
        : base(kind is TrapKind.Timeout ? ErrorCode.Timeout : ErrorCode.InvalidInput, message, inner) => Kind = kind;

    /// <summary>Creates an unreachable trap (prefer the constructors that take a kind).</summary>
    public WasmTrap()
        : this(TrapKind.Unreachable)
    {
    }

    /// <summary>Creates a trap with a message (prefer the constructors that take a kind).</summary>
    public WasmTrap(string message)
        : this(TrapKind.HostError, message)
    {
    }

    /// <summary>Creates a trap with a message (prefer the constructors that take a kind).</summary>
    public WasmTrap(string message, Exception? innerException)
        : this(TrapKind.HostError, message, innerException)
    {
    }

    /// <summary>The kind of trap.</summary>
    public TrapKind Kind { get; }

    /// <summary>The function that was running, when known.</summary>
    public string? Function { get; internal set; }

    /// <summary>The spec test suite's wording of each trap.</summary>
    public static string MessageOf(TrapKind kind) => kind switch
    {
        TrapKind.Unreachable => "unreachable",
        TrapKind.MemoryOutOfBounds => "out of bounds memory access",
        TrapKind.TableOutOfBounds => "out of bounds table access",
        TrapKind.IntegerDivideByZero => "integer divide by zero",
        TrapKind.IntegerOverflow => "integer overflow",
        TrapKind.InvalidConversion => "invalid conversion to integer",
        TrapKind.IndirectCallTypeMismatch => "indirect call type mismatch",
        TrapKind.UndefinedElement => "undefined element",
        TrapKind.UninitializedElement => "uninitialized element",
        TrapKind.CallStackExhausted => "call stack exhausted",
        TrapKind.OutOfFuel => "out of fuel",
        TrapKind.Timeout => "timeout",
        TrapKind.Cancelled => "cancelled",
        _ => "host error",
    };
}
