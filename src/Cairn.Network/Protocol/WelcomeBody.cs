namespace Cairn.Network.Protocol;

/// <summary>The orchestrator's answer to a hello: the admission decision and, when admitted, the session and resume point.</summary>
internal sealed record WelcomeBody(string Status, string? SessionId, long LastReceived, string? Message);
