using System.Collections.Concurrent;

namespace Cairn.Wasm;

/// <summary>A function signature: parameter and result types. Equal signatures share one canonical id.</summary>
public sealed class FuncType : IEquatable<FuncType>
{
    private static readonly ConcurrentDictionary<string, int> s_ids = new(StringComparer.Ordinal);

    /// <summary>Creates a signature.</summary>
    public FuncType(ValType[] parameters, ValType[] results)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(results);
        Params = parameters;
        Results = results;
        Id = s_ids.GetOrAdd(ToString(), _ => s_ids.Count + 1);
    }

    /// <summary>The parameter types.</summary>
    public IReadOnlyList<ValType> Parameters => Params;

    /// <summary>The result types.</summary>
    public IReadOnlyList<ValType> ResultTypes => Results;

    internal ValType[] Params { get; }

    internal ValType[] Results { get; }

    /// <summary>A process-wide id shared by every structurally equal signature (what call_indirect compares).</summary>
    internal int Id { get; }

    /// <inheritdoc/>
    public bool Equals(FuncType? other) => other is not null && other.Id == Id;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FuncType);

    /// <inheritdoc/>
    public override int GetHashCode() => Id;

    /// <inheritdoc/>
    public override string ToString() =>
        "(" + string.Join(", ", Params.Select(Name)) + ") -> (" + string.Join(", ", Results.Select(Name)) + ")";

    internal static string Name(ValType t) => t switch
    {
        ValType.I32 => "i32",
        ValType.I64 => "i64",
        ValType.F32 => "f32",
        ValType.F64 => "f64",
        ValType.V128 => "v128",
        ValType.FuncRef => "funcref",
        ValType.ExternRef => "externref",
        _ => $"0x{(byte)t:x2}",
    };
}
