using Cairn.Jobs.Specs;

namespace Cairn.Orchestrator.Specs;

/// <summary>
/// Where each field of a spec text sits, keyed by field path (case-insensitive, so the canonical
/// <c>Tasks[0].Engine</c> finds the user's <c>tasks[0].engine</c>).
/// </summary>
public sealed class SpecPositions
{
    private readonly Dictionary<string, (int Line, int Column)> _positions = new(StringComparer.OrdinalIgnoreCase);

    internal void Add(string path, int line, int column) => _positions.TryAdd(path, (line, column));

    /// <summary>The line and column of <paramref name="path"/>, or of its nearest ancestor in the text.</summary>
    public (int Line, int Column)? Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var p = path;
        while (true)
        {
            if (_positions.TryGetValue(p, out var position))
            {
                return position;
            }

            var cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
            if (cut <= 0)
            {
                return _positions.TryGetValue(string.Empty, out position) ? position : null;
            }

            p = p[..cut];
        }
    }

    /// <summary>The errors with the line and column of their paths filled in.</summary>
    public IReadOnlyList<SpecError> Locate(IEnumerable<SpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Select(e => e.Line is not null || Find(e.Path) is not { } pos ? e : e with { Line = pos.Line, Column = pos.Column }).ToList();
    }
}
