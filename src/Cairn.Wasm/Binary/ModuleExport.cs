namespace Cairn.Wasm.Binary;

/// <summary>An export of a module.</summary>
/// <param name="Name">The export name.</param>
/// <param name="Kind">What is exported.</param>
/// <param name="Index">Index in the function, table, memory or global index space.</param>
public sealed record ModuleExport(string Name, ExternKind Kind, int Index);
