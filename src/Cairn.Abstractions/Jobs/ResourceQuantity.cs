using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Cairn.Jobs;

/// <summary>
/// Parses resource quantities the way Bacalhau writes them: CPU as cores or millicores
/// (<c>1</c>, <c>0.5</c>, <c>500m</c>) and sizes as bytes with an optional decimal (<c>kb mb gb tb pb</c>,
/// powers of 1000) or binary (<c>ki kib mi mib gi gib ti tib pi pib</c>, powers of 1024) unit, case-insensitive
/// (<c>512Mb</c> = 512 000 000, <c>1Gi</c> = 1 073 741 824).
/// </summary>
public static class ResourceQuantity
{
    private static readonly (string Suffix, decimal Factor)[] ByteUnits =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40), ("pib", 1L << 50),
        ("ki", 1L << 10), ("mi", 1L << 20), ("gi", 1L << 30), ("ti", 1L << 40), ("pi", 1L << 50),
        ("kb", 1e3m), ("mb", 1e6m), ("gb", 1e9m), ("tb", 1e12m), ("pb", 1e15m),
        ("k", 1e3m), ("m", 1e6m), ("g", 1e9m), ("t", 1e12m), ("p", 1e15m),
        ("b", 1m),
    ];

    /// <summary>Parses a CPU quantity into millicores; a fraction of a millicore rounds up.</summary>
    public static bool TryParseCpu(string? text, out long millicores, [NotNullWhen(false)] out string? error)
    {
        millicores = 0;
        var s = text?.Trim() ?? string.Empty;
        var scale = 1000m;
        if (s.EndsWith('m') || s.EndsWith('M'))
        {
            scale = 1m;
            s = s[..^1];
        }

        if (!TryParseNumber(s, out var value))
        {
            error = "expected a CPU quantity: cores (1, 0.5) or millicores (500m)";
            return false;
        }

        var millis = Math.Ceiling(value * scale);
        if (millis > long.MaxValue / 2)
        {
            error = "CPU quantity is too large";
            return false;
        }

        millicores = (long)millis;
        error = null;
        return true;
    }

    /// <summary>Parses a size (<c>512Mb</c>, <c>1Gi</c>, <c>1GB</c>, <c>4096</c>) into bytes.</summary>
    public static bool TryParseBytes(string? text, out long bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = 0;
        var s = text?.Trim() ?? string.Empty;
        var factor = 1m;
        foreach (var (suffix, unitFactor) in ByteUnits)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                factor = unitFactor;
                s = s[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!TryParseNumber(s, out var value))
        {
            error = "expected a size: a number of bytes with an optional unit (512Mb, 1Gi, 1GB)";
            return false;
        }

        var total = Math.Ceiling(value * factor);
        if (total > long.MaxValue / 2)
        {
            error = "size is too large";
            return false;
        }

        bytes = (long)total;
        error = null;
        return true;
    }

    /// <summary>Millicores as Bacalhau writes them (<c>500m</c>, <c>2</c>).</summary>
    public static string FormatCpu(long millicores) =>
        millicores % 1000 == 0 ? (millicores / 1000).ToString(CultureInfo.InvariantCulture) : millicores.ToString(CultureInfo.InvariantCulture) + "m";

    /// <summary>Bytes in the largest binary unit that divides them exactly (<c>512Mi</c>, <c>1000</c>).</summary>
    public static string FormatBytes(long bytes)
    {
        string[] units = ["Pi", "Ti", "Gi", "Mi", "Ki"];
        for (var i = 0; i < units.Length; i++)
        {
            var factor = 1L << (10 * (units.Length - i));
            if (bytes != 0 && bytes % factor == 0)
            {
                return (bytes / factor).ToString(CultureInfo.InvariantCulture) + units[i];
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static bool TryParseNumber(string s, out decimal value) =>
        decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && value >= 0 && s.Length > 0;
}
