using System.Text.Json.Serialization;

namespace Cairn.ApiModels;

/// <summary>
/// An RFC 7807 problem (<c>application/problem+json</c>, lower-case member names as the RFC
/// writes them) with Cairn's extensions: the <see cref="ErrorCode"/> name, the hint, and for job
/// specs every error with its position.
/// </summary>
public sealed record ProblemView
{
    /// <summary>A URI naming the problem type.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "about:blank";

    /// <summary>Short summary of the problem type.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>HTTP status.</summary>
    [JsonPropertyName("status")]
    public int Status { get; init; }

    /// <summary>What went wrong, this time.</summary>
    [JsonPropertyName("detail")]
    public string? Detail { get; init; }

    /// <summary>The request path.</summary>
    [JsonPropertyName("instance")]
    public string? Instance { get; init; }

    /// <summary>The <see cref="ErrorCode"/> name.</summary>
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    /// <summary>What the user can do about it.</summary>
    [JsonPropertyName("hint")]
    public string? Hint { get; init; }

    /// <summary>Job spec errors, each with its path and position.</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyList<SpecErrorView>? Errors { get; init; }
}
