namespace Cairn.Network.Protocol;

/// <summary>The orchestrator's challenge: the node signs this nonce in its hello, so a replayed hello is worthless.</summary>
internal sealed record ChallengeBody(string Nonce, string Orchestrator);
