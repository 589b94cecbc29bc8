using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Cairn.Jobs.Specs;

/// <summary>An RFC 2397 <c>data:</c> URL, decoded (inline inputs: <c>data:application/wasm;base64,AGFzbQ...</c>).</summary>
public sealed class DataUrl
{
    private readonly byte[] _data;

    private DataUrl(string mediaType, byte[] data)
    {
        MediaType = mediaType;
        _data = data;
    }

    /// <summary>The media type (<c>text/plain;charset=US-ASCII</c> when the URL names none).</summary>
    public string MediaType { get; }

    /// <summary>The decoded bytes.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Decodes a data URL, or says what is wrong with it.</summary>
    public static bool TryParse(string? url, [NotNullWhen(true)] out DataUrl? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (url is null || !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            error = "expected a data: URL (data:[<media type>][;base64],<data>)";
            return false;
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            error = "the data: URL has no ',' before its data";
            return false;
        }

        var header = url[5..comma];
        var payload = url[(comma + 1)..];
        var isBase64 = header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase);
        var mediaType = isBase64 ? header[..^7] : header;
        if (mediaType.Length == 0)
        {
            mediaType = "text/plain;charset=US-ASCII";
        }

        if (isBase64)
        {
            // Whitespace inside base64 is common when specs wrap long modules over several lines.
            var compact = string.Concat(payload.Where(c => !char.IsWhiteSpace(c)));
            var buffer = new byte[compact.Length * 3 / 4 + 3];
            if (!Convert.TryFromBase64String(compact, buffer, out var written))
            {
                error = "the data: URL's base64 payload is malformed";
                return false;
            }

            result = new DataUrl(mediaType, buffer[..written]);
        }
        else
        {
            try
            {
                result = new DataUrl(mediaType, Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload)));
            }
            catch (UriFormatException)
            {
                error = "the data: URL's percent-encoded payload is malformed";
                return false;
            }
        }

        error = null;
        return true;
    }
}
