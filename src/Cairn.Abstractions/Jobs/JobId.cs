using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Cairn.Jobs;

/// <summary>The identifier of a job: <c>j-</c> followed by a lowercase UUID.</summary>
[JsonConverter(typeof(PrefixedIdJsonConverter<JobId>))]
public readonly record struct JobId : IPrefixedId<JobId>
{
    /// <summary>The prefix every JobId starts with.</summary>
    public const string Prefix = "j-";

    private readonly string? _value;

    private JobId(string value) => _value = value;

    /// <summary>The full text of the id (empty for <c>default</c>).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>True for <c>default(JobId)</c>, which names nothing.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>A new random id.</summary>
    public static JobId New() => new(PrefixedId.New(Prefix));

    /// <summary>Parses <c>j-&lt;uuid&gt;</c>; throws <see cref="CairnException"/> (<see cref="ErrorCode.InvalidArgument"/>) otherwise.</summary>
    public static JobId Parse(string text) => new(PrefixedId.Validate(text, Prefix, "job"));

    /// <summary>Parses <c>j-&lt;uuid&gt;</c>, returning false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out JobId id)
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
