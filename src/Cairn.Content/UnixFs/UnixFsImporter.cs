using System.Buffers;
using System.Text;
using Cairn.Content.DagPb;
using Cairn.Multiformats;
using Cairn.Storage;

namespace Cairn.Content.UnixFs;

/// <summary>
/// Turns files and directory trees into UnixFS DAGs whose CIDs and blocks are identical to those of
/// <c>ipfs add</c> / ipfs-unixfs-importer with the same options (see <see cref="ImportOptions"/>).
/// Files stream through: a few chunks are in flight at once (read, hashed on the thread pool, stored
/// in order), and the layout keeps only pending links, so memory stays flat whatever the file size.
/// </summary>
public sealed class UnixFsImporter
{
    // Chunks travel in batches of about this many bytes (three batches in flight at most).
    private const int BatchBytes = 2 << 20;

    // Room before the chunk for a dag-pb leaf's header (PBNode Data key + length, UnixFS type, data key + length).
    private const int LeafHeaderRoom = 16;
    private const int LeafTrailerRoom = 11;

    private static readonly byte[] DirectoryData = new UnixFsData { Type = UnixFsType.Directory }.Encode();

    private readonly IBlockStore _store;
    private readonly ImportOptions _options;
    private readonly bool _rawLeaves;

    /// <summary>Creates an importer that writes blocks to <paramref name="store"/>.</summary>
    public UnixFsImporter(IBlockStore store, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (options.CidVersion is not (0 or 1))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"CID version must be 0 or 1, not {options.CidVersion}.");
        }

        if (options.ChunkSize is < 1 or > 1024 * 1024)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"Chunk size must be between 1 byte and 1 MiB (the IPFS block limit), not {options.ChunkSize}.");
        }

        if (options.MaxLinks < 2)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"A node needs room for at least 2 links, not {options.MaxLinks}.");
        }

        _store = store;
        _options = options;
        _rawLeaves = options.EffectiveRawLeaves;
    }

    /// <summary>Imports one file's content and returns its root.</summary>
    public async Task<ImportedEntry> ImportFileAsync(Stream content, string? name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var node = await ImportContentAsync(content, new ProgressCounter(progress), cancellationToken);
        return new ImportedEntry(name ?? node.Cid.ToString(), node.Cid, (long)node.FileSize, false) { DagSize = (long)node.Tsize };
    }

    /// <summary>
    /// Imports a file, or (with <paramref name="recursive"/>) a directory tree. <paramref name="onEntry"/>
    /// sees every file and symlink as it is added, then every directory deepest first, the root last
    /// (the order of <c>ipfs add -r</c>'s <c>added</c> lines). Symlinks inside a tree are stored as
    /// UnixFS symlinks (not followed); hidden entries are skipped unless <see cref="ImportOptions.IncludeHidden"/>.
    /// </summary>
    public async Task<ImportedEntry> ImportPathAsync(string path, bool recursive, Action<ImportedEntry>? onEntry, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var name = Path.GetFileName(full);
        var counter = new ProgressCounter(progress);
        if (File.Exists(full))
        {
            var entry = await ImportFileAtAsync(full, name, counter, cancellationToken);
            onEntry?.Invoke(entry);
            return entry;
        }

        if (!Directory.Exists(full))
        {
            throw new CairnException(ErrorCode.NotFound, $"No such file or directory: {path}.");
        }

        if (!recursive)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"{path} is a directory.") { Hint = "Use -r to add a directory and everything in it." };
        }

        var directories = new List<ImportedEntry>();
        var root = await ImportDirectoryAsync(full, name, onEntry, directories, counter, cancellationToken);
        foreach (var dir in directories)
        {
            onEntry?.Invoke(dir);
        }

        return root;
    }

    private async Task<ImportedEntry> ImportFileAtAsync(string fullPath, string relative, ProgressCounter counter, CancellationToken cancellationToken)
    {
        // bufferSize 1: no FileStream buffer, so each chunk is read straight into its pooled block buffer.
        // A synchronous handle, read synchronously below: a local file read is a short copy, and a
        // thread-pool hop per chunk costs more than it saves when the cores are busy hashing.
        await using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var node = await ImportContentAsync(stream, counter, cancellationToken);
        return new ImportedEntry(relative, node.Cid, (long)node.FileSize, false) { DagSize = (long)node.Tsize };
    }

    private async Task<ImportedEntry> ImportDirectoryAsync(string fullPath, string relative, Action<ImportedEntry>? onEntry, List<ImportedEntry> directories, ProgressCounter counter, CancellationToken cancellationToken)
    {
        var children = new List<(string Name, FileSystemInfo Info)>();
        foreach (var info in new DirectoryInfo(fullPath).EnumerateFileSystemInfos())
        {
            if (!_options.IncludeHidden && info.Name.StartsWith('.'))
            {
                continue;
            }

            children.Add((info.Name, info));
        }

        // DAG-PB orders links by name bytes (UTF-8), so "README" comes before "a".
        children.Sort((a, b) => DagPbCodec.CompareNames(a.Name, b.Name));
        var links = new List<PBLink>(children.Count);
        long contentSize = 0;
        long estimate = 0;
        foreach (var (childName, info) in children)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var childRelative = relative.Length == 0 ? childName : relative + "/" + childName;
            ImportedEntry child;
            if (info.LinkTarget is { } target)
            {
                child = await ImportSymlinkAsync(target, childRelative, cancellationToken);
                onEntry?.Invoke(child);
            }
            else if (info is DirectoryInfo)
            {
                child = await ImportDirectoryAsync(info.FullName, childRelative, onEntry, directories, counter, cancellationToken);
            }
            else
            {
                child = await ImportFileAtAsync(info.FullName, childRelative, counter, cancellationToken);
                onEntry?.Invoke(child);
            }

            links.Add(new PBLink(child.Cid, childName, (ulong)child.DagSize));
            contentSize += child.Size;
            estimate += Encoding.UTF8.GetByteCount(childName) + child.Cid.Bytes.Length;
        }

        // kubo and the JS importer switch a directory to a HAMT shard past 256 KiB of link names and
        // CIDs; building a flat node instead would give a different CID, so refuse rather than differ.
        if (estimate > 262144)
        {
            throw new CairnException(ErrorCode.Unsupported, $"Directory {relative} has {children.Count} entries ({estimate} bytes of names and CIDs): ipfs would store it as a HAMT-sharded directory, which Cairn does not build yet.")
            {
                Hint = "Split the directory into subdirectories of fewer entries.",
            };
        }

        var block = DagPbCodec.Encode(new PBNode(links, DirectoryData));
        var cid = Cid.Compute(_options.CidVersion, Multicodec.DagPb, block);
        await _store.PutAsync(cid, block, cancellationToken);
        ulong tsize = (ulong)block.Length;
        foreach (var link in links)
        {
            tsize += link.Tsize!.Value;
        }

        var entry = new ImportedEntry(relative, cid, contentSize, true) { DagSize = (long)tsize };
        directories.Add(entry);
        return entry;
    }

    private async Task<ImportedEntry> ImportSymlinkAsync(string target, string relative, CancellationToken cancellationToken)
    {
        var data = new UnixFsData { Type = UnixFsType.Symlink, Data = Encoding.UTF8.GetBytes(target) };
        var block = DagPbCodec.Encode(new PBNode([], data.Encode()));
        var cid = Cid.Compute(_options.CidVersion, Multicodec.DagPb, block);
        await _store.PutAsync(cid, block, cancellationToken);
        return new ImportedEntry(relative, cid, 0, false) { DagSize = block.Length };
    }

    /// <summary>
    /// Chunks, hashes, stores and lays out one file. Chunks move in batches of about 2 MiB through
    /// three stages that overlap: this thread reads batch k+1 while a worker hashes batch k (this
    /// thread joins in once its read is done, the two claiming chunks one at a time), while the
    /// blocks of batch k-1 are being written. A batch costs two thread hand-offs, not one per chunk,
    /// which matters on busy cores. Leaves are linked in file order whatever order they hash in.
    /// </summary>
    private async Task<DagNode> ImportContentAsync(Stream content, ProgressCounter counter, CancellationToken cancellationToken)
    {
        var chunkSize = _options.ChunkSize;
        var batchSize = Math.Clamp(BatchBytes / chunkSize, 1, 64);
        var layout = new BalancedLayout(_store, _options.MaxLinks, _options.CidVersion);
        Batch? hashing = null;
        Batch? writing = null;
        var writes = Task.CompletedTask;
        var first = true;
        var end = false;
        try
        {
            while (true)
            {
                Batch? next = null;
                if (!end)
                {
                    next = new Batch(batchSize, LeafHeaderRoom + chunkSize + LeafTrailerRoom);
                    while (next.Count < batchSize)
                    {
                        var buffer = next.Rent();
                        var read = content is FileStream { IsAsync: false }
                            ? content.ReadAtLeast(buffer.AsSpan(LeafHeaderRoom, chunkSize), chunkSize, throwOnEndOfStream: false)
                            : await content.ReadAtLeastAsync(buffer.AsMemory(LeafHeaderRoom, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken);

                        // An empty file is one empty chunk; otherwise a zero-byte read just ends the file.
                        if (read > 0 || first)
                        {
                            next.Lengths[next.Count++] = read;
                        }

                        first = false;
                        if (read < chunkSize)
                        {
                            end = true;
                            break;
                        }
                    }
                }

                if (hashing is not null)
                {
                    hashing.HashAll(this);
                    await hashing.Worker!;
                    await writes;
                    writing?.ReturnBuffers();
                    writing = null;
                    for (var i = 0; i < hashing.Count; i++)
                    {
                        var leaf = hashing.Leaves[i];
                        await layout.AddLeafAsync(new DagNode(leaf.Cid, (ulong)leaf.Length, (ulong)leaf.ContentLength), cancellationToken);
                        counter.Add(leaf.ContentLength);
                    }

                    writing = hashing;
                    writes = WriteAllAsync(hashing, cancellationToken);
                    hashing = null;
                }

                if (next is null || next.Count == 0)
                {
                    next?.ReturnBuffers();
                    break;
                }

                var batch = next;
                batch.Worker = Task.Run(() => batch.HashAll(this), cancellationToken);
                hashing = batch;
            }

            await writes;
        }
        finally
        {
            // On failure, let the worker and the writes finish before the buffers go back to the pool.
            if (hashing?.Worker is { } worker)
            {
                await Task.WhenAny(worker);
            }

            await Task.WhenAny(writes);
            hashing?.ReturnBuffers();
            writing?.ReturnBuffers();
        }

        return await layout.FinishAsync(cancellationToken);
    }

    private async Task WriteAllAsync(Batch batch, CancellationToken cancellationToken)
    {
        // Start every write of the batch, then wait: a disk store overlaps them.
        var pending = new List<Task>();
        for (var i = 0; i < batch.Count; i++)
        {
            var leaf = batch.Leaves[i];
            var write = _store.PutAsync(leaf.Cid, batch.Buffers[i].AsMemory(leaf.Offset, leaf.Length), cancellationToken);
            if (!write.IsCompletedSuccessfully)
            {
                pending.Add(write.AsTask());
            }
        }

        if (pending.Count > 0)
        {
            await Task.WhenAll(pending);
        }
    }

    /// <summary>Frames (for dag-pb leaves) and hashes one chunk that sits at <see cref="LeafHeaderRoom"/> in its buffer.</summary>
    private Leaf MakeLeaf(byte[] buffer, int length)
    {
        if (_rawLeaves)
        {
            var cid = Cid.Compute(1, Multicodec.Raw, buffer.AsSpan(LeafHeaderRoom, length));
            return new Leaf(cid, LeafHeaderRoom, length, length);
        }

        // kubo's leaf: PBNode { Data: UnixFS { Type: File, Data: chunk (if any), filesize: len } }.
        var n = (ulong)length;
        var dataField = length > 0 ? 1 + ProtoWriter.VarintSize(n) + length : 0;
        var unixFsLength = 2 + dataField + 1 + ProtoWriter.VarintSize(n);
        var header = 1 + ProtoWriter.VarintSize((ulong)unixFsLength) + 2 + (length > 0 ? 1 + ProtoWriter.VarintSize(n) : 0);
        var start = LeafHeaderRoom - header;
        var span = buffer.AsSpan(start);
        var pos = 0;
        span[pos++] = 0x0A;
        pos += ProtoWriter.WriteVarint(span[pos..], (ulong)unixFsLength);
        span[pos++] = 0x08;
        span[pos++] = (byte)UnixFsType.File;
        if (length > 0)
        {
            span[pos++] = 0x12;
            pos += ProtoWriter.WriteVarint(span[pos..], n);
        }

        pos += length;
        span[pos++] = 0x18;
        pos += ProtoWriter.WriteVarint(span[pos..], n);
        var block = buffer.AsSpan(start, pos);
        return new Leaf(Cid.Compute(_options.CidVersion, Multicodec.DagPb, block), start, pos, length);
    }

    private readonly record struct Leaf(Cid Cid, int Offset, int Length, int ContentLength);

    /// <summary>A run of consecutive chunks in pooled buffers, hashed by whichever thread claims each chunk first.</summary>
    private sealed class Batch(int capacity, int bufferSize)
    {
        private int _rented;
        private int _claimed = -1;

        public byte[][] Buffers { get; } = new byte[capacity][];

        public int[] Lengths { get; } = new int[capacity];

        public Leaf[] Leaves { get; } = new Leaf[capacity];

        public int Count { get; set; }

        public Task? Worker { get; set; }

        public byte[] Rent()
        {
            if (_rented == Count)
            {
                Buffers[_rented++] = ArrayPool<byte>.Shared.Rent(bufferSize);
            }

            return Buffers[Count];
        }

        public void HashAll(UnixFsImporter importer)
        {
            int i;
            while ((i = Interlocked.Increment(ref _claimed)) < Count)
            {
                Leaves[i] = importer.MakeLeaf(Buffers[i], Lengths[i]);
            }
        }

        public void ReturnBuffers()
        {
            for (var i = 0; i < _rented; i++)
            {
                ArrayPool<byte>.Shared.Return(Buffers[i]);
                Buffers[i] = null!;
            }

            _rented = 0;
        }
    }

    private sealed class ProgressCounter(IProgress<long>? progress)
    {
        private long _done;

        public void Add(long bytes)
        {
            _done += bytes;
            progress?.Report(_done);
        }
    }
}
