namespace Cairn.Jobs;

/// <summary>A path inside the task's sandbox whose contents are published as a named result.</summary>
public sealed record ResultPath
{
    /// <summary>The result's name, unique within the task.</summary>
    public required string Name { get; init; }

    /// <summary>The absolute path inside the sandbox.</summary>
    public required string Path { get; init; }
}
