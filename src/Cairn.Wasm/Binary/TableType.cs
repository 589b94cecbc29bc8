namespace Cairn.Wasm.Binary;

/// <summary>A table's element type and limits.</summary>
/// <param name="Element">funcref or externref.</param>
/// <param name="Limits">Size limits in elements.</param>
public sealed record TableType(ValType Element, Limits Limits);
