namespace Cairn.ApiModels;

/// <summary>Answer to <c>GET /api/v1/agent/version</c>.</summary>
public sealed record AgentVersion
{
    /// <summary>Cairn's version.</summary>
    public required string Version { get; init; }

    /// <summary>The REST API's version.</summary>
    public string ApiVersion { get; init; } = "v1";

    /// <summary>The .NET runtime the node runs on.</summary>
    public string? Runtime { get; init; }
}
