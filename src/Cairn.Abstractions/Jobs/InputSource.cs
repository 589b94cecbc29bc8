namespace Cairn.Jobs;

/// <summary>
/// Data a task reads: where it comes from (<see cref="Source"/>: <c>ipfs</c>, <c>local</c>, <c>url</c>
/// or <c>inline</c>) and where the task sees it (<see cref="Target"/>, an absolute path).
/// </summary>
public sealed record InputSource
{
    /// <summary>An optional name for the input (a Wasm module imported by alias, a log line).</summary>
    public string? Alias { get; init; }

    /// <summary>The absolute path inside the task's sandbox where the input is mounted.</summary>
    public string Target { get; init; } = string.Empty;

    /// <summary>Where the data comes from.</summary>
    public required SpecConfig Source { get; init; }
}
