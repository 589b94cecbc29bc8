using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Cairn.Jobs;

/// <summary>
/// The identifier of a compute node. New nodes get <c>n-</c> and a UUID, but any token of letters,
/// digits and <c>. _ : -</c> (up to 128 characters) is accepted, so a node may be named by its
/// <c>did:key</c> identity or by an operator-chosen name.
/// </summary>
[JsonConverter(typeof(PrefixedIdJsonConverter<NodeId>))]
public readonly record struct NodeId : IPrefixedId<NodeId>
{
    /// <summary>The prefix of generated node ids.</summary>
    public const string Prefix = "n-";

    private readonly string? _value;

    private NodeId(string value) => _value = value;

    /// <summary>The full text of the id (empty for <c>default</c>).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>True for <c>default(NodeId)</c>, which names nothing.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>A new random id.</summary>
    public static NodeId New() => new(PrefixedId.New(Prefix));

    /// <summary>Parses a node id; throws <see cref="CairnException"/> (<see cref="ErrorCode.InvalidArgument"/>) when malformed.</summary>
    public static NodeId Parse(string text)
    {
        if (TryParse(text, out var id))
        {
            return id;
        }

        throw new CairnException(ErrorCode.InvalidArgument, $"'{text}' is not a node id.")
        {
            Hint = "A node id is 1-128 characters of letters, digits, '.', '_', ':' or '-'.",
        };
    }

    /// <summary>Parses a node id, returning false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out NodeId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > 128)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        id = new(text);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
