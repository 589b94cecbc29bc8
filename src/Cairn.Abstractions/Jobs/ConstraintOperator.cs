namespace Cairn.Jobs;

/// <summary>
/// How a <see cref="Constraint"/> compares a node label with its values. Specs accept Kubernetes'
/// label-selector words (<c>in</c>, <c>notin</c>, <c>exists</c>, <c>!</c>) and Bacalhau's symbols
/// (<c>=</c>, <c>==</c>, <c>!=</c>, <c>gt</c>, <c>lt</c>), case-insensitively.
/// </summary>
public enum ConstraintOperator
{
    /// <summary>The label's value is one of the values.</summary>
    In,

    /// <summary>The label is absent, or its value is none of the values.</summary>
    NotIn,

    /// <summary>The label is present (no values).</summary>
    Exists,

    /// <summary>The label is absent (no values); written <c>KeyNotIn</c>, <c>DoesNotExist</c> or <c>!</c>.</summary>
    KeyNotIn,

    /// <summary>The label equals the single value.</summary>
    Equal,

    /// <summary>The label is absent or differs from the single value.</summary>
    NotEqual,

    /// <summary>The label, as an integer, is greater than the single value.</summary>
    GreaterThan,

    /// <summary>The label, as an integer, is less than the single value.</summary>
    LessThan,
}
