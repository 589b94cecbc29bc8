using System.Text;

namespace Cairn.Jobs.Specs;

/// <summary>
/// One problem in a job spec: where (<see cref="Path"/>, e.g. <c>Tasks[0].Engine.Type</c>, and the
/// line and column when the spec was text), what was wrong, and what to do about it.
/// </summary>
public sealed record SpecError
{
    /// <summary>The field path, dotted with list indexes (<c>Tasks[0].InputSources[1].Target</c>).</summary>
    public required string Path { get; init; }

    /// <summary>What was wrong, and what was expected.</summary>
    public required string Message { get; init; }

    /// <summary>What the user can do about it.</summary>
    public string? Hint { get; init; }

    /// <summary>1-based line in the spec text, when known.</summary>
    public int? Line { get; init; }

    /// <summary>1-based column in the spec text, when known.</summary>
    public int? Column { get; init; }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Path.Length == 0 ? "(document)" : Path);
        if (Line is not null)
        {
            sb.Append(" (line ").Append(Line.Value).Append(", column ").Append(Column ?? 0).Append(')');
        }

        sb.Append(": ").Append(Message);
        if (Hint is not null)
        {
            sb.Append(" (hint: ").Append(Hint).Append(')');
        }

        return sb.ToString();
    }
}
