namespace Cairn.Network;

/// <summary>How a compute-only node dials its orchestrator.</summary>
public sealed record ComputeDialerOptions
{
    /// <summary>The orchestrator's API URL (<c>http://HOST:PORT</c>); the dialer connects to its <see cref="ConnectPath"/>.</summary>
    public required Uri Orchestrator { get; init; }

    /// <summary>Where this node's own gateway listens, told to the orchestrator (null: not told).</summary>
    public string? GatewayUrl { get; init; }

    /// <summary>How often a heartbeat is sent.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>An orchestrator silent this long is presumed gone: the connection is dropped and dialed again.</summary>
    public TimeSpan SilenceTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the node's provider records are looked at and, when they changed, sent again.</summary>
    public TimeSpan ProvideInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The first wait before dialing again.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between dials.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The WebSocket endpoint under the orchestrator's URL.</summary>
    public const string ConnectPath = "api/v1/compute/connect";
}
