namespace Cairn.Network;

/// <summary>How the orchestrator's <see cref="ComputeHub"/> times its connections.</summary>
public sealed record ComputeHubOptions
{
    /// <summary>How often each side sends a heartbeat (and the hub looks for lost nodes).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A node heard nothing from for this long is lost: dropped, its executions rescheduled.</summary>
    public TimeSpan LostTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a question to a node (info, local bytes, bid) may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a node may take to fetch and pin a replica (the replication manager may give less).</summary>
    public TimeSpan PinTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a new connection may take to send its hello.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
