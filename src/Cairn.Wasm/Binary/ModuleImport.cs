namespace Cairn.Wasm.Binary;

/// <summary>An import of a module. Exactly one of the type fields is set, per <see cref="Kind"/>.</summary>
/// <param name="Module">The module name.</param>
/// <param name="Name">The field name.</param>
/// <param name="Kind">What is imported.</param>
public sealed record ModuleImport(string Module, string Name, ExternKind Kind)
{
    /// <summary>The signature of an imported function.</summary>
    public FuncType? Function { get; init; }

    /// <summary>The type of an imported table.</summary>
    public TableType? Table { get; init; }

    /// <summary>The type of an imported memory.</summary>
    public MemoryType? Memory { get; init; }

    /// <summary>The type of an imported global.</summary>
    public GlobalType? Global { get; init; }
}
