using System.Runtime.CompilerServices;
using System.Text;
using Cairn.Content.DagPb;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.UnixFs;

/// <summary>
/// Reads UnixFS DAGs (made by Cairn, kubo or the JS importer) back out of a block store: file
/// content, directory listings, paths, and whole trees to disk. Every block comes through
/// <see cref="IBlockStore.GetAsync"/>, which verifies it; a missing block is NotFound and a
/// damaged one IntegrityViolation, both naming the CID. Sizes recorded in the DAG (filesize,
/// blocksizes) are checked against what the blocks hold, so a lying DAG fails instead of
/// producing wrong output. HAMT-sharded directories are refused (Unsupported), never misread.
/// Writing to disk refuses entry names that could escape the output folder.
/// </summary>
public sealed class UnixFsExporter
{
    // A balanced DAG of 174-link nodes is 5 levels deep at 10^12 bytes; anything this deep is hostile.
    private const int MaxFileDepth = 64;
    private const int MaxDirectoryDepth = 1024;

    private readonly IBlockStore _store;

    /// <summary>Creates an exporter over a block store.</summary>
    public UnixFsExporter(IBlockStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Writes a file's content to <paramref name="output"/>.</summary>
    public async Task WriteFileAsync(Cid cid, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cid);
        ArgumentNullException.ThrowIfNull(output);
        var node = await LoadAsync(cid, cancellationToken);
        switch (node.Type)
        {
            case UnixFsType.Directory:
                throw new CairnException(ErrorCode.InvalidArgument, $"{cid} is a directory, not a file.") { Hint = "Use `cairn ls` to list it or `cairn get` to download it." };
            case UnixFsType.Symlink:
                throw new CairnException(ErrorCode.InvalidArgument, $"{cid} is a symlink (to '{SymlinkTarget(node)}'), not a file.");
        }

        await WriteFileNodeAsync(node, output, 0, cancellationToken);
    }

    /// <summary>The entries of a directory, in link order.</summary>
    public async IAsyncEnumerable<UnixFsEntry> ListAsync(Cid dir, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var node = await LoadAsync(dir, cancellationToken);
        if (node.Type != UnixFsType.Directory)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"{dir} is a {Describe(node.Type)}, not a directory.") { Hint = "Use `cairn cat` to read a file." };
        }

        foreach (var link in node.Pb!.Links)
        {
            var name = CheckEntryName(dir, link.Name, forDisk: false);
            var child = await LoadAsync(link.Hash, cancellationToken);
            var size = child.Type switch
            {
                UnixFsType.Directory => (long)(link.Tsize ?? 0),
                UnixFsType.Symlink => SymlinkTarget(child).Length,
                _ => (long)child.ContentSize,
            };
            yield return new UnixFsEntry(name, link.Hash, size, child.Type == UnixFsType.Raw ? UnixFsType.File : child.Type);
        }
    }

    /// <summary>Resolves <c>CID</c>, <c>CID/a/b</c> or <c>/ipfs/CID/a/b</c> through directories to a CID.</summary>
    public async Task<Cid> ResolvePathAsync(string cidPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(cidPath);
        var text = cidPath.StartsWith("/ipfs/", StringComparison.Ordinal) ? cidPath[6..] : cidPath;
        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"'{cidPath}' names no CID.") { Hint = "Write CID, CID/path or /ipfs/CID/path." };
        }

        var cid = Cid.Parse(segments[0]);
        var walked = segments[0];
        foreach (var segment in segments.Skip(1))
        {
            var node = await LoadAsync(cid, cancellationToken);
            if (node.Type != UnixFsType.Directory)
            {
                throw new CairnException(ErrorCode.NotFound, $"Cannot resolve '{cidPath}': {walked} is a {Describe(node.Type)}, so it has no entry '{segment}'.");
            }

            var link = node.Pb!.Links.FirstOrDefault(l => l.Name == segment)
                ?? throw new CairnException(ErrorCode.NotFound, $"Cannot resolve '{cidPath}': directory {(walked == cid.ToString() ? walked : $"{walked} ({cid})")} has no entry '{segment}'.") { Hint = $"List it with `cairn ls {walked}`." };
            cid = link.Hash;
            walked += "/" + segment;
        }

        return cid;
    }

    /// <summary>
    /// Writes a file, directory tree or symlink to <paramref name="outputPath"/>, which must not exist.
    /// Entry names with '/', '\', NUL, '.', '..', duplicates, and symlinks whose target leaves the
    /// output are refused, so a hostile DAG cannot write outside <paramref name="outputPath"/>.
    /// </summary>
    public async Task ExportAsync(Cid cid, string outputPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cid);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputPath));
        if (File.Exists(root) || Directory.Exists(root) || new FileInfo(root).LinkTarget is not null)
        {
            throw new CairnException(ErrorCode.Conflict, $"{outputPath} already exists; Cairn does not overwrite.") { Hint = "Choose another path with -o, or remove it first." };
        }

        var node = await LoadAsync(cid, cancellationToken);
        if (node.Type == UnixFsType.Symlink)
        {
            throw new CairnException(ErrorCode.Unsupported, $"{cid} is a symlink (to '{SymlinkTarget(node)}'); a symlink alone has nothing to export.");
        }

        await ExportNodeAsync(node, root, root, 0, cancellationToken);
    }

    private async Task ExportNodeAsync(Node node, string path, string root, int depth, CancellationToken cancellationToken)
    {
        switch (node.Type)
        {
            case UnixFsType.Directory:
                if (depth > MaxDirectoryDepth)
                {
                    throw new CairnException(ErrorCode.InvalidInput, $"Directory {node.Cid} is nested more than {MaxDirectoryDepth} levels deep.");
                }

                Directory.CreateDirectory(path);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var link in node.Pb!.Links)
                {
                    var name = CheckEntryName(node.Cid, link.Name, forDisk: true);
                    if (!seen.Add(name))
                    {
                        throw new CairnException(ErrorCode.InvalidInput, $"Directory {node.Cid} has two entries named '{name}'.");
                    }

                    var child = await LoadAsync(link.Hash, cancellationToken);
                    await ExportNodeAsync(child, Path.Join(path, name), root, depth + 1, cancellationToken);
                }

                break;
            case UnixFsType.Symlink:
                var target = SymlinkTarget(node);
                var resolved = Path.GetFullPath(Path.Join(Path.GetDirectoryName(path), target));
                if (target.Length == 0 || target.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(target) || HasInnerParent(target)
                    || !(resolved == root || resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                {
                    throw new CairnException(ErrorCode.InvalidInput, $"Symlink {node.Cid} at {Path.GetRelativePath(root, path)} points to '{target}', outside the output folder; refusing to create it.");
                }

                File.CreateSymbolicLink(path, target);
                break;
            default:
                await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    await WriteFileNodeAsync(node, file, 0, cancellationToken);
                }

                break;
        }
    }

    private async Task<ulong> WriteFileNodeAsync(Node node, Stream output, int depth, CancellationToken cancellationToken)
    {
        if (node.RawBlock is { } raw)
        {
            await output.WriteAsync(raw, cancellationToken);
            return (ulong)raw.Length;
        }

        if (node.Type is not (UnixFsType.File or UnixFsType.Raw))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"Block {node.Cid} is a {Describe(node.Type)} inside a file's DAG.");
        }

        if (depth > MaxFileDepth)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"File DAG at {node.Cid} is more than {MaxFileDepth} levels deep.");
        }

        var fs = node.Fs!;
        var links = node.Pb!.Links;
        ulong written = 0;
        if (fs.Data is { Length: > 0 } data)
        {
            await output.WriteAsync(data, cancellationToken);
            written += (ulong)data.Length;
        }

        for (var i = 0; i < links.Count; i++)
        {
            var child = await LoadAsync(links[i].Hash, cancellationToken);
            var childBytes = await WriteFileNodeAsync(child, output, depth + 1, cancellationToken);
            if (childBytes != fs.BlockSizes[i])
            {
                throw new CairnException(ErrorCode.IntegrityViolation, $"File node {node.Cid} says its child {i} ({links[i].Hash}) holds {fs.BlockSizes[i]} bytes, but it holds {childBytes}.");
            }

            written += childBytes;
        }

        return written;
    }

    private async Task<Node> LoadAsync(Cid cid, CancellationToken cancellationToken)
    {
        var block = await _store.GetAsync(cid, cancellationToken)
            ?? throw new CairnException(ErrorCode.NotFound, $"Block {cid} is not in the local store.") { Hint = "Add or import the content first (cairn add, cairn car import)." };
        if (cid.Codec == Multicodec.Raw)
        {
            return new Node(cid, UnixFsType.Raw, null, null, block, (ulong)block.Length);
        }

        if (cid.Codec != Multicodec.DagPb)
        {
            throw new CairnException(ErrorCode.Unsupported, $"Block {cid} is {Multicodec.NameOf(cid.Codec)}, not UnixFS (dag-pb or raw).");
        }

        PBNode pb;
        UnixFsData fs;
        try
        {
            pb = DagPbCodec.Decode(block);
            if (pb.Data is not { } data)
            {
                throw new CairnException(ErrorCode.InvalidInput, "the node has no Data field, so it is not UnixFS");
            }

            fs = UnixFsData.Decode(data.Span);
        }
        catch (CairnException e) when (e.Code == ErrorCode.InvalidInput)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"Block {cid} is not a valid UnixFS node: {e.Message.TrimEnd('.')}.", e);
        }

        switch (fs.Type)
        {
            case UnixFsType.HamtShard:
                throw new CairnException(ErrorCode.Unsupported, $"Block {cid} is a HAMT-sharded directory, which Cairn cannot read yet.") { Hint = "Read it with an IPFS implementation that supports sharded directories (kubo, helia)." };
            case UnixFsType.Metadata:
                throw new CairnException(ErrorCode.Unsupported, $"Block {cid} is a UnixFS Metadata node, which no current implementation writes.");
            case UnixFsType.File or UnixFsType.Raw:
                if (pb.Links.Count != fs.BlockSizes.Count)
                {
                    throw new CairnException(ErrorCode.InvalidInput, $"File node {cid} has {pb.Links.Count} links but {fs.BlockSizes.Count} blocksizes.");
                }

                ulong total = fs.Data is { } d ? (ulong)d.Length : 0;
                foreach (var size in fs.BlockSizes)
                {
                    total = checked(total + size);
                }

                if (fs.FileSize is { } declared && declared != total)
                {
                    throw new CairnException(ErrorCode.InvalidInput, $"File node {cid} declares filesize {declared} but its data and blocksizes add up to {total}.");
                }

                return new Node(cid, fs.Type, pb, fs, null, total);
            default:
                return new Node(cid, fs.Type, pb, fs, null, 0);
        }
    }

    private static string CheckEntryName(Cid dir, string? name, bool forDisk)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"Directory {dir} has an entry with no name.");
        }

        if (forDisk && (name is "." or ".." || name.AsSpan().IndexOfAny('/', '\\', '\0') >= 0))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"Directory {dir} has an entry named '{name.Replace("\0", "\\0", StringComparison.Ordinal)}', which could write outside the output folder; refusing to export it.");
        }

        return name;
    }

    /// <summary>
    /// True when a '..' follows a name in <paramref name="target"/>. The lexical check alone is not
    /// enough then: if the name is itself a symlink (say to "."), the real '..' climbs out of the
    /// output folder although the lexical path stays inside. Leading '..'s climb through real
    /// folders we created, so they are safe.
    /// </summary>
    private static bool HasInnerParent(string target)
    {
        var sawName = false;
        foreach (var segment in target.Split('/'))
        {
            if (segment == "..")
            {
                if (sawName)
                {
                    return true;
                }
            }
            else if (segment is not ("." or ""))
            {
                sawName = true;
            }
        }

        return false;
    }

    private static string SymlinkTarget(Node node) => node.Fs?.Data is { } d ? Encoding.UTF8.GetString(d.Span) : string.Empty;

    private static string Describe(UnixFsType type) => type switch
    {
        UnixFsType.Raw or UnixFsType.File => "file",
        UnixFsType.Directory => "directory",
        UnixFsType.Symlink => "symlink",
        UnixFsType.HamtShard => "sharded directory",
        _ => "metadata node",
    };

    private sealed record Node(Cid Cid, UnixFsType Type, PBNode? Pb, UnixFsData? Fs, byte[]? RawBlock, ulong ContentSize);
}
