using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Cairn.Jobs;

/// <summary>A condition on a node's labels that a node must meet to run the job.</summary>
public sealed record Constraint
{
    /// <summary>The label's key.</summary>
    public required string Key { get; init; }

    /// <summary>How the label is compared.</summary>
    public ConstraintOperator Operator { get; init; }

    /// <summary>The values compared with (none for Exists and KeyNotIn, one for =, !=, gt, lt).</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Parses an operator as specs write it (see <see cref="ConstraintOperator"/>).</summary>
    public static bool TryParseOperator(string? text, out ConstraintOperator op)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "in": op = ConstraintOperator.In; return true;
            case "notin": op = ConstraintOperator.NotIn; return true;
            case "exists": op = ConstraintOperator.Exists; return true;
            case "keynotin" or "doesnotexist" or "!": op = ConstraintOperator.KeyNotIn; return true;
            case "=" or "==" or "equal" or "equals": op = ConstraintOperator.Equal; return true;
            case "!=" or "notequal" or "notequals": op = ConstraintOperator.NotEqual; return true;
            case "gt" or ">" or "greaterthan": op = ConstraintOperator.GreaterThan; return true;
            case "lt" or "<" or "lessthan": op = ConstraintOperator.LessThan; return true;
            default: op = default; return false;
        }
    }

    /// <summary>How many values the operator takes: (minimum, maximum).</summary>
    public static (int Min, int Max) ValueCount(ConstraintOperator op) => op switch
    {
        ConstraintOperator.Exists or ConstraintOperator.KeyNotIn => (0, 0),
        ConstraintOperator.In or ConstraintOperator.NotIn => (1, int.MaxValue),
        _ => (1, 1),
    };

    /// <summary>True when a node with <paramref name="labels"/> meets this constraint.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            ConstraintOperator.Exists => present,
            ConstraintOperator.KeyNotIn => !present,
            ConstraintOperator.In => present && Values.Contains(value!, StringComparer.Ordinal),
            ConstraintOperator.NotIn => !present || !Values.Contains(value!, StringComparer.Ordinal),
            ConstraintOperator.Equal => present && Values.Count == 1 && string.Equals(value, Values[0], StringComparison.Ordinal),
            ConstraintOperator.NotEqual => !present || Values.Count != 1 || !string.Equals(value, Values[0], StringComparison.Ordinal),
            ConstraintOperator.GreaterThan => present && Compare(value, out var c) && c > 0,
            ConstraintOperator.LessThan => present && Compare(value, out var c) && c < 0,
            _ => false,
        };
    }

    /// <inheritdoc />
    public override string ToString() => Values.Count == 0 ? $"{Key} {Operator}" : $"{Key} {Operator} {string.Join(",", Values)}";

    private bool Compare([NotNullWhen(true)] string? value, out int comparison)
    {
        comparison = 0;
        if (Values.Count != 1
            || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var left)
            || !long.TryParse(Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var right))
        {
            return false;
        }

        comparison = left.CompareTo(right);
        return true;
    }
}
