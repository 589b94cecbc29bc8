using Cairn.Content.Storage;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.Car;

/// <summary>
/// Writes CARv1 streams: a varint-prefixed DAG-CBOR header, then one <c>varint(len) CID block</c>
/// section per block.
/// </summary>
public sealed class CarWriter
{
    private readonly Stream _output;
    private readonly byte[] _prefix = new byte[Varint.MaxLength];

    /// <summary>Creates a writer over <paramref name="output"/> (not closed by the writer).</summary>
    public CarWriter(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>
    /// Exports the DAGs under <paramref name="roots"/>: the header names them, then every reachable
    /// block follows once, in depth-first pre-order with children in link order and duplicates
    /// skipped (the order of <c>ipfs dag export</c>). Each block is verified as it is read; a missing
    /// block throws <see cref="ErrorCode.NotFound"/> naming it (the output is then incomplete: write
    /// to a temporary file and rename on success).
    /// </summary>
    public static Task<CarExportResult> ExportAsync(IReadOnlyList<Cid> roots, IBlockStore store, Stream output, CancellationToken cancellationToken)
        => ExportAsync(roots, store, output, null, cancellationToken);

    /// <summary>Writes the header naming <paramref name="roots"/>.</summary>
    public async ValueTask WriteHeaderAsync(IReadOnlyList<Cid> roots, CancellationToken cancellationToken)
    {
        var header = CarHeader.EncodeV1(roots);
        var n = Varint.Write(_prefix, (ulong)header.Length);
        await _output.WriteAsync(_prefix.AsMemory(0, n), cancellationToken);
        await _output.WriteAsync(header, cancellationToken);
        BytesWritten += n + header.Length;
    }

    /// <summary>Writes one section: the CID as given (v0 stays v0) and the block's bytes.</summary>
    public async ValueTask WriteBlockAsync(Cid cid, ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cid);
        var cidBytes = cid.ToArray();
        var n = Varint.Write(_prefix, (ulong)(cidBytes.Length + block.Length));
        await _output.WriteAsync(_prefix.AsMemory(0, n), cancellationToken);
        await _output.WriteAsync(cidBytes, cancellationToken);
        await _output.WriteAsync(block, cancellationToken);
        BytesWritten += n + cidBytes.Length + block.Length;
    }

    internal static async Task<CarExportResult> ExportAsync(IReadOnlyList<Cid> roots, IBlockStore store, Stream output, LinkExtractor? links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(store);
        var writer = new CarWriter(output);
        await writer.WriteHeaderAsync(roots, cancellationToken);
        long blocks = 0;
        long blockBytes = 0;
        await DagWalker.WalkAsync(
            roots,
            store,
            [],
            async (cid, block, ct) =>
            {
                var bytes = block!.Value;
                await writer.WriteBlockAsync(cid, bytes, ct);
                blocks++;
                blockBytes += bytes.Length;
            },
            readRawBlocks: true,
            links,
            cancellationToken);
        await output.FlushAsync(cancellationToken);
        return new CarExportResult(blocks, blockBytes, writer.BytesWritten);
    }
}
