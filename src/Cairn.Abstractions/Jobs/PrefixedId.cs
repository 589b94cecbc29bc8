using System.Diagnostics.CodeAnalysis;

namespace Cairn.Jobs;

/// <summary>Shared parsing for the <c>prefix-uuid</c> identifiers.</summary>
internal static class PrefixedId
{
    public static string New(string prefix) => prefix + Guid.NewGuid().ToString("D");

    public static bool TryValidate(string? text, string prefix, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (text is null || !text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!Guid.TryParseExact(text.AsSpan(prefix.Length), "D", out var guid))
        {
            return false;
        }

        normalized = prefix + guid.ToString("D");
        return true;
    }

    public static string Validate(string? text, string prefix, string kind)
    {
        if (TryValidate(text, prefix, out var normalized))
        {
            return normalized;
        }

        throw new CairnException(ErrorCode.InvalidArgument, $"'{text}' is not a {kind} id.")
        {
            Hint = $"A {kind} id is '{prefix}' followed by a UUID, e.g. {prefix}0b6c9a8e-2f4d-4c55-9a0e-3f1f5a7d2c11.",
        };
    }
}
