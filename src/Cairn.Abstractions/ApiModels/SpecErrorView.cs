using System.Text.Json.Serialization;
using Cairn.Jobs.Specs;

namespace Cairn.ApiModels;

/// <summary>One job spec error inside a problem: where it is and what is wrong.</summary>
public sealed record SpecErrorView
{
    /// <summary>The field path (<c>Tasks[0].Engine.Type</c>); empty for the whole document.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>What is wrong.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>What to do about it.</summary>
    [JsonPropertyName("hint")]
    public string? Hint { get; init; }

    /// <summary>1-based line in the submitted text.</summary>
    [JsonPropertyName("line")]
    public int? Line { get; init; }

    /// <summary>1-based column in the submitted text.</summary>
    [JsonPropertyName("column")]
    public int? Column { get; init; }

    /// <summary>The wire form of a spec error.</summary>
    public static SpecErrorView From(SpecError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new SpecErrorView { Path = error.Path, Message = error.Message, Hint = error.Hint, Line = error.Line, Column = error.Column };
    }

    /// <summary>The spec error this describes.</summary>
    public SpecError ToSpecError() => new() { Path = Path, Message = Message, Hint = Hint, Line = Line, Column = Column };
}
