using Cairn.Jobs.Specs;

namespace Cairn.ApiModels;

/// <summary>
/// An RFC 7807 problem (<c>application/problem+json</c>) with Cairn's extensions: the
/// <see cref="ErrorCode"/> name, the hint, and for job specs every error with its position.
/// </summary>
public sealed record ProblemView
{
    /// <summary>A URI naming the problem type.</summary>
    public string Type { get; init; } = "about:blank";

    /// <summary>Short summary of the problem type.</summary>
    public string? Title { get; init; }

    /// <summary>HTTP status.</summary>
    public int Status { get; init; }

    /// <summary>What went wrong, this time.</summary>
    public string? Detail { get; init; }

    /// <summary>The request path.</summary>
    public string? Instance { get; init; }

    /// <summary>The <see cref="ErrorCode"/> name.</summary>
    public string? Code { get; init; }

    /// <summary>What the user can do about it.</summary>
    public string? Hint { get; init; }

    /// <summary>Job spec errors, each with its path and position.</summary>
    public IReadOnlyList<SpecError>? Errors { get; init; }
}
