using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Cairn.Jobs;

/// <summary>The identifier of an evaluation (one pass of the scheduler over a job): <c>ev-</c> followed by a lowercase UUID.</summary>
[JsonConverter(typeof(PrefixedIdJsonConverter<EvaluationId>))]
public readonly record struct EvaluationId : IPrefixedId<EvaluationId>
{
    /// <summary>The prefix every EvaluationId starts with.</summary>
    public const string Prefix = "ev-";

    private readonly string? _value;

    private EvaluationId(string value) => _value = value;

    /// <summary>The full text of the id (empty for <c>default</c>).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>True for <c>default(EvaluationId)</c>, which names nothing.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>A new random id.</summary>
    public static EvaluationId New() => new(PrefixedId.New(Prefix));

    /// <summary>Parses <c>ev-&lt;uuid&gt;</c>; throws <see cref="CairnException"/> (<see cref="ErrorCode.InvalidArgument"/>) otherwise.</summary>
    public static EvaluationId Parse(string text) => new(PrefixedId.Validate(text, Prefix, "evaluation"));

    /// <summary>Parses <c>ev-&lt;uuid&gt;</c>, returning false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out EvaluationId id)
    {
        if (PrefixedId.TryValidate(text, Prefix, out var normalized))
        {
            id = new(normalized);
            return true;
        }

        id = default;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
