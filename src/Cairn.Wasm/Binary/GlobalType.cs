namespace Cairn.Wasm.Binary;

/// <summary>A global's value type and mutability.</summary>
/// <param name="Type">The value type.</param>
/// <param name="Mutable">Whether the global can be set.</param>
public sealed record GlobalType(ValType Type, bool Mutable);
