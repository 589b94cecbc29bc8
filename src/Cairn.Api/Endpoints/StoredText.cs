using System.Text;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Api.Endpoints;

/// <summary>Reads captured streams (stdout, stderr) back out of the content store.</summary>
internal static class StoredText
{
    /// <summary>The file as text, or null when it is absent or longer than <paramref name="maxBytes"/> (then only its CID is shown).</summary>
    public static async Task<string?> TryReadAsync(IBlockStore blocks, string? cidText, int maxBytes, CancellationToken cancellationToken)
    {
        if (cidText is null || !Cid.TryParse(cidText, out var cid) || !await blocks.HasAsync(cid, cancellationToken))
        {
            return null;
        }

        using var buffer = new CappedBuffer(maxBytes);
        try
        {
            await new UnixFsExporter(blocks).WriteFileAsync(cid, buffer, cancellationToken);
        }
        catch (CapExceededException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The whole file, or null when it is absent.</summary>
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

    // Stops the export as soon as the text is too long to inline, instead of reading all of it.
    private sealed class CappedBuffer(int cap) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check(count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }

        private void Check(int count)
        {
            if (Length + count > cap)
            {
                throw new CapExceededException();
            }
        }
    }

    private sealed class CapExceededException : Exception
    {
    }
}
