namespace Cairn.ApiModels;

/// <summary>One frame of a log stream: a piece of an execution's stdout or stderr.</summary>
public sealed record LogFrame
{
    /// <summary>The execution that wrote it.</summary>
    public required string Execution { get; init; }

    /// <summary><c>stdout</c> or <c>stderr</c>.</summary>
    public required string Stream { get; init; }

    /// <summary>The text (UTF-8 decoded; a character split across chunks is kept whole).</summary>
    public required string Data { get; init; }
}
