namespace Cairn.Network.Protocol;

/// <summary>Sent by the node after its replay: <see cref="Restarted"/> says its process is new (executions it had before are gone).</summary>
internal sealed record ReadyBody(bool Restarted);
