using System.Text.Json.Serialization;

namespace Cairn.Jobs;

/// <summary>
/// A typed plug-in configuration, Bacalhau's <c>SpecConfig</c>: the engine of a task, the source of
/// an input, a publisher. <see cref="Type"/> is lowercase; <see cref="Params"/> is a case-insensitive
/// map whose values are strings, booleans, <see cref="long"/>s, <see cref="double"/>s, lists
/// (<see cref="IReadOnlyList{T}"/> of values) and maps (<see cref="IReadOnlyDictionary{TKey, TValue}"/>,
/// case-insensitive) — whatever the spec held, typed by the engine or source that reads it.
/// </summary>
public sealed record SpecConfig
{
    /// <summary>The plug-in's name, lowercase (<c>wasm</c>, <c>docker</c>, <c>noop</c>, <c>ipfs</c>, <c>inline</c>...).</summary>
    public required string Type { get; init; }

    /// <summary>The plug-in's parameters, keys compared case-insensitively.</summary>
    [JsonConverter(typeof(SpecParamsJsonConverter))]
    public IReadOnlyDictionary<string, object?> Params { get; init; } = SpecParams.Empty;

    /// <summary>The parameter named <paramref name="key"/> (case-insensitive), or null.</summary>
    public object? GetParam(string key) => Params.TryGetValue(key, out var value) ? value : null;
}
