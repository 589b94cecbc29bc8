namespace Cairn.ApiModels;

/// <summary>Answer to <c>GET /api/v1/agent/alive</c>.</summary>
public sealed record AgentAlive
{
    /// <summary><c>OK</c> when the node answers.</summary>
    public string Status { get; init; } = "OK";
}
