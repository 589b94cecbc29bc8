using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Content.Car;

/// <summary>
/// Imports CARv1 streams into a <see cref="ContentRepo"/>, streaming: each section is framed,
/// verified against its CID and stored as it is read, so memory stays at one block.
/// </summary>
/// <remarks>
/// Nothing is pinned until the whole file has been read and checked: a rejected file (bad framing,
/// a block that does not hash to its CID, a root absent from the file, an incomplete DAG under a
/// root) leaves no pin. The blocks it stored before the failure stay, unpinned, for the next gc:
/// deleting them here could remove a block that a concurrent import of other content has just
/// stored too, and that import's pin would then name a missing block.
/// </remarks>
public static class CarImporter
{
    /// <summary>The largest section accepted: a 4 MiB block plus its CID.</summary>
    public const int MaxSectionLength = (4 * 1024 * 1024) + 512;

    /// <summary>The largest header accepted.</summary>
    public const int MaxHeaderLength = 4 * 1024 * 1024;

    /// <summary>Imports a CAR and pins its roots recursively.</summary>
    public static Task<CarImportResult> ImportAsync(Stream input, ContentRepo repo, CancellationToken cancellationToken)
        => ImportAsync(input, repo, pin: true, cancellationToken);

    /// <summary>
    /// Imports a CAR; with <paramref name="pin"/> its roots are pinned recursively (which requires
    /// each root's whole DAG to be present, from this file or already stored).
    /// </summary>
    public static async Task<CarImportResult> ImportAsync(Stream input, ContentRepo repo, bool pin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(repo);
        await repo.BeginWriteAsync(cancellationToken);
        var reader = new CarStreamReader(input);
        var header = await ReadHeaderAsync(reader, cancellationToken);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        long blocks = 0;
        long bytes = 0;

        // Blocks go into one pack (a file per block costs more than reading the CAR), committed when the
        // loop ends, whole or not: as with single puts, what was verified before a bad section stays, unpinned.
        await using (var pack = repo.FileStore.OpenPackWriter(header.Roots.Count > 0 ? header.Roots[0] : null))
        {
            while (true)
            {
                var sectionAt = reader.Position;
                var length = await reader.ReadLengthAsync("section length", cancellationToken);
                if (length is null)
                {
                    break;
                }

                if (length == 0)
                {
                    throw CarStreamReader.Invalid(sectionAt, "a section has length 0");
                }

                if (length > MaxSectionLength)
                {
                    throw CarStreamReader.Invalid(sectionAt, $"a section is {length} bytes, more than the {MaxSectionLength} allowed (a 4 MiB block and its CID)");
                }

                var cidAt = reader.Position;
                var section = await reader.ReadExactlyAsync((int)length.Value, sectionAt, "section", cancellationToken);
                Cid cid;
                int cidLength;
                try
                {
                    cid = Cid.Read(section, out cidLength);
                }
                catch (CairnException e)
                {
                    throw CarStreamReader.Invalid(cidAt, $"the section's CID is invalid ({e.Message.TrimEnd('.')})", e.Code == ErrorCode.Unsupported ? ErrorCode.Unsupported : ErrorCode.InvalidInput);
                }

                var block = section.AsMemory(cidLength);
                bool verifies;
                try
                {
                    verifies = cid.Verifies(block.Span);
                }
                catch (CairnException e)
                {
                    throw CarStreamReader.Invalid(sectionAt, $"block {cid} cannot be verified ({e.Message.TrimEnd('.')})", e.Code);
                }

                if (!verifies)
                {
                    throw CarStreamReader.Invalid(sectionAt, $"block {cid} does not hash to its CID ({block.Length} bytes)", ErrorCode.IntegrityViolation);
                }

                if (cid.HashCode != Multicodec.Identity && !seen.Contains(FileBlockStore.KeyOf(cid.Multihash)) && !await PresentAndWholeAsync(repo, cid, cancellationToken))
                {
                    await pack.PutAsync(cid, block, cancellationToken);
                }

                seen.Add(FileBlockStore.KeyOf(cid.Multihash));
                blocks++;
                bytes += block.Length;
            }
        }

        var end = reader.Position;
        foreach (var root in header.Roots)
        {
            if (root.HashCode != Multicodec.Identity && !seen.Contains(FileBlockStore.KeyOf(root.Multihash)))
            {
                throw CarStreamReader.Invalid(end, $"root {root} named by the header is not in the file");
            }
        }

        if (pin && header.Roots.Count > 0)
        {
            foreach (var root in header.Roots)
            {
                await repo.EnsurePresentAsync(root, PinMode.Recursive, cancellationToken);
            }

            await repo.PinAllAsync(header.Roots, PinMode.Recursive, cancellationToken);
        }
        else
        {
            await repo.FileStore.FlushAsync(cancellationToken);
        }

        return new CarImportResult(header.Roots, blocks, bytes, pin && header.Roots.Count > 0);
    }

    // Present and not damaged: importing again stores nothing twice, and still repairs a damaged block.
    private static async Task<bool> PresentAndWholeAsync(ContentRepo repo, Cid cid, CancellationToken cancellationToken)
    {
        try
        {
            return await repo.Blocks.GetAsync(cid, cancellationToken) is not null;
        }
        catch (CairnException e) when (e.Code == ErrorCode.IntegrityViolation)
        {
            return false;
        }
    }

    private static async Task<CarHeader> ReadHeaderAsync(CarStreamReader reader, CancellationToken cancellationToken)
    {
        var length = await reader.ReadLengthAsync("header length", cancellationToken)
            ?? throw CarStreamReader.Invalid(0, "the file is empty");
        if (length == 0)
        {
            throw CarStreamReader.Invalid(0, "the header length is 0");
        }

        if (length > MaxHeaderLength)
        {
            throw CarStreamReader.Invalid(0, $"the header length {length} is more than the {MaxHeaderLength} allowed");
        }

        var at = reader.Position;
        var bytes = await reader.ReadExactlyAsync((int)length, 0, "header", cancellationToken);
        var header = CarHeader.Decode(bytes, at);
        if (header.Version == 2)
        {
            throw new CairnException(ErrorCode.Unsupported, "The file is a CARv2 (it starts with the CARv2 pragma); Cairn reads CARv1.")
            {
                Hint = "Convert it to CARv1 (e.g. `car extract` / `ipfs dag export`), or export the content again as CARv1.",
            };
        }

        if (header.Version != 1)
        {
            throw CarStreamReader.Invalid(at, $"the header's version is {header.Version}, not 1", ErrorCode.Unsupported);
        }

        return header;
    }
}
