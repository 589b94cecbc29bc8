namespace Cairn.Wasm.Runtime;

/// <summary>Why a WebAssembly execution trapped.</summary>
public enum TrapKind
{
    /// <summary>The <c>unreachable</c> instruction ran.</summary>
    Unreachable,

    /// <summary>A load, store or bulk memory operation left the linear memory.</summary>
    MemoryOutOfBounds,

    /// <summary>A table access left the table.</summary>
    TableOutOfBounds,

    /// <summary>Integer division or remainder by zero.</summary>
    IntegerDivideByZero,

    /// <summary>Integer overflow (signed division of the minimum by -1, or a float-to-int conversion out of range).</summary>
    IntegerOverflow,

    /// <summary>A float-to-int conversion of NaN.</summary>
    InvalidConversion,

    /// <summary>call_indirect found a function of another signature.</summary>
    IndirectCallTypeMismatch,

    /// <summary>call_indirect with an index outside the table.</summary>
    UndefinedElement,

    /// <summary>call_indirect on a null table entry.</summary>
    UninitializedElement,

    /// <summary>The call depth limit was reached (unbounded recursion).</summary>
    CallStackExhausted,

    /// <summary>The fuel limit was reached.</summary>
    OutOfFuel,

    /// <summary>The wall-clock timeout expired.</summary>
    Timeout,

    /// <summary>The run was cancelled by its host.</summary>
    Cancelled,

    /// <summary>A host function failed.</summary>
    HostError,
}
