using System.Text;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Api.Endpoints;

/// <summary>Reads small captured streams (stdout, stderr) back out of the content store.</summary>
internal static class StoredText
{
    public static async Task<string?> TryReadAsync(IBlockStore blocks, string? cidText, int maxBytes, CancellationToken cancellationToken)
    {
        if (cidText is null || !Cid.TryParse(cidText, out var cid) || !await blocks.HasAsync(cid, cancellationToken))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await new UnixFsExporter(blocks).WriteFileAsync(cid, buffer, cancellationToken);
        return buffer.Length > maxBytes ? null : Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static async Task<byte[]?> TryReadBytesAsync(IBlockStore blocks, string? cidText, CancellationToken cancellationToken)
    {
        if (cidText is null || !Cid.TryParse(cidText, out var cid) || !await blocks.HasAsync(cid, cancellationToken))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await new UnixFsExporter(blocks).WriteFileAsync(cid, buffer, cancellationToken);
        return buffer.ToArray();
    }
}
