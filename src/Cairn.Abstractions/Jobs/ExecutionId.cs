using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Cairn.Jobs;

/// <summary>The identifier of an execution (one attempt of a job on one node): <c>e-</c> followed by a lowercase UUID.</summary>
[JsonConverter(typeof(PrefixedIdJsonConverter<ExecutionId>))]
public readonly record struct ExecutionId : IPrefixedId<ExecutionId>
{
    /// <summary>The prefix every ExecutionId starts with.</summary>
    public const string Prefix = "e-";

    private readonly string? _value;

    private ExecutionId(string value) => _value = value;

    /// <summary>The full text of the id (empty for <c>default</c>).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>True for <c>default(ExecutionId)</c>, which names nothing.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>A new random id.</summary>
    public static ExecutionId New() => new(PrefixedId.New(Prefix));

    /// <summary>Parses <c>e-&lt;uuid&gt;</c>; throws <see cref="CairnException"/> (<see cref="ErrorCode.InvalidArgument"/>) otherwise.</summary>
    public static ExecutionId Parse(string text) => new(PrefixedId.Validate(text, Prefix, "execution"));

    /// <summary>Parses <c>e-&lt;uuid&gt;</c>, returning false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ExecutionId id)
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
