namespace Cairn.Network.Admission;

/// <summary>A node that asked to join and waits for an operator's decision.</summary>
/// <param name="Did">The node's did:key (proven by its signed hello).</param>
/// <param name="FirstSeen">When it first asked.</param>
/// <param name="LastSeen">When it last asked.</param>
/// <param name="GatewayUrl">Where it says its gateway listens, if it said.</param>
public sealed record PendingNode(string Did, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string? GatewayUrl);
