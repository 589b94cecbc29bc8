namespace Cairn.Jobs;

/// <summary>A task's network access.</summary>
public sealed record NetworkConfig
{
    /// <summary>No network.</summary>
    public static NetworkConfig None { get; } = new();

    /// <summary>The kind of access.</summary>
    public NetworkMode Type { get; init; }

    /// <summary>The domains reachable with <see cref="NetworkMode.Http"/>.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];
}
