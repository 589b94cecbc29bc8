using Cairn.Content.Exchange;
using Cairn.Content.UnixFs;
using Cairn.Jobs;
using Cairn.Jobs.Execution;
using Cairn.Jobs.Specs;
using Cairn.Multiformats;

namespace Cairn.Compute;

public sealed partial class ComputeNode
{
    private const int MaxLinkHops = 40;

    private async Task<PreparedTask> PrepareAsync(Run run, JobTask task, IExecutor executor, CancellationToken cancellationToken)
    {
        // Targets are checked before anything is fetched: a bad layout fails fast and costs nothing.
        var guests = new List<(string Guest, string What)>();
        for (var i = 0; i < task.InputSources.Count; i++)
        {
            var source = task.InputSources[i];
            var what = $"InputSources[{i}]" + (source.Alias is null ? "" : $" ({source.Alias})");
            guests.Add((GuestPath(source.Target, $"{what}.Target"), what));
        }

        for (var i = 0; i < task.ResultPaths.Count; i++)
        {
            guests.Add((GuestPath(task.ResultPaths[i].Path, $"ResultPaths[{i}].Path"), $"ResultPaths[{i}] ({task.ResultPaths[i].Name})"));
        }

        CheckNoOverlap(guests);

        var inputs = new List<PreparedInput>();
        var origins = new List<InputOrigin>();
        var inputRoot = Path.Combine(run.WorkDirectory, "inputs");
        for (var i = 0; i < task.InputSources.Count; i++)
        {
            var source = task.InputSources[i];
            var (guest, what) = guests[i];
            var host = inputRoot + guest;
            var (cid, origin) = await PrepareSourceAsync(source.Source, host, what, run.WorkDirectory, cancellationToken).ConfigureAwait(false);
            inputs.Add(new PreparedInput(source.Alias, guest, host, cid, SizeOf(host)));
            origins.Add(origin.For(guest, cid));
        }

        var outputs = new List<PreparedOutput>();
        for (var i = 0; i < task.ResultPaths.Count; i++)
        {
            var host = Path.Combine(run.WorkDirectory, "outputs", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(host);
            outputs.Add(new PreparedOutput(task.ResultPaths[i].Name, guests[task.InputSources.Count + i].Guest, host));
        }

        var artifacts = new List<PreparedInput>();
        var artifactSources = executor.GetArtifacts(task);
        for (var i = 0; i < artifactSources.Count; i++)
        {
            var source = artifactSources[i];
            var what = $"Engine artifact {i}" + (source.Alias is null ? "" : $" ({source.Alias})");
            var name = source.Alias ?? (string.IsNullOrEmpty(source.Target) ? null : Path.GetFileName(source.Target.TrimEnd('/')));
            name = string.IsNullOrEmpty(name) || name is "." or ".." ? "main.wasm" : name;
            var host = Path.Combine(run.WorkDirectory, "artifacts", i.ToString(System.Globalization.CultureInfo.InvariantCulture), name);
            var (cid, origin) = await PrepareSourceAsync(source.Source, host, what, run.WorkDirectory, cancellationToken).ConfigureAwait(false);
            var target = string.IsNullOrEmpty(source.Target) ? name : source.Target;
            artifacts.Add(new PreparedInput(source.Alias, target, host, cid, SizeOf(host)));
            origins.Add(origin.For(target, cid));
        }

        return new PreparedTask(inputs, artifacts, outputs, origins);
    }

    /// <summary>Gets the source's content into the store, then exports it to <paramref name="host"/> read-only.</summary>
    private async Task<(Cid Cid, Origin Origin)> PrepareSourceAsync(SpecConfig source, string host, string what, string workDirectory, CancellationToken cancellationToken)
    {
        var (cid, origin) = source.Type.ToUpperInvariant() switch
        {
            "IPFS" => await IpfsSourceAsync(source, what, cancellationToken).ConfigureAwait(false),
            "INLINE" => (await InlineSourceAsync(source, what, cancellationToken).ConfigureAwait(false), new Origin("inline", [], 0, 0)),
            "URL" => await UrlSourceAsync(source, what, workDirectory, cancellationToken).ConfigureAwait(false),
            "LOCAL" => (await LocalSourceAsync(source, what, cancellationToken).ConfigureAwait(false), new Origin("path", [], 0, 0)),
            _ => throw new CairnException(ErrorCode.Unsupported, $"{what}: input source type \"{source.Type}\" is not supported (this node reads {string.Join(", ", SourceTypes)})."),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        // What the task sees is exported from the store, so it is exactly the content the CID names.
        await new UnixFsExporter(_repo.Blocks).ExportAsync(cid, host, cancellationToken).ConfigureAwait(false);
        MakeReadOnly(host);
        return (cid, origin);
    }

    private async Task<(Cid, Origin)> IpfsSourceAsync(SpecConfig source, string what, CancellationToken cancellationToken)
    {
        var text = Param(source, "CID") ?? throw new CairnException(ErrorCode.InvalidInput, $"{what}: an ipfs source needs Params.CID.");
        if (!Cid.TryParse(text, out var cid))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"{what}: \"{text}\" is not a CID.");
        }

        var fetcher = _options.Peers is { } peers ? new GatewayFetcher(_http, peers, _options.Fetch) : null;
        FetchResult? fetched = null;
        if (Param(source, "Path") is { Length: > 0 } subPath)
        {
            var path = $"{cid}/{subPath.Trim('/')}";
            try
            {
                cid = await new UnixFsExporter(_repo.Blocks).ResolvePathAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (CairnException e) when (e.Code == ErrorCode.NotFound && fetcher is not null)
            {
                // A directory on the way is not here: fetch the whole root (one CAR), then resolve.
                fetched = await FetchAsync(fetcher, cid, what, cancellationToken).ConfigureAwait(false);
                cid = await new UnixFsExporter(_repo.Blocks).ResolvePathAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }

        if (await FindMissingAsync(cid, cancellationToken).ConfigureAwait(false) is { } missing)
        {
            if (fetcher is null)
            {
                throw new CairnException(ErrorCode.NotFound, $"{what}: block {missing} is not on this node (input {cid}).")
                {
                    Hint = "Add the data to the node first (`cairn add`, `cairn car import`), start the node with `--peer URL` to fetch from a node that has it, or give the input as a url.",
                };
            }

            fetched = await FetchAsync(fetcher, cid, what, cancellationToken).ConfigureAwait(false);
        }

        NoteInput(cid);
        if (fetched is null || fetched.BlocksFetched == 0 && fetched.BytesFetched == 0)
        {
            return (cid, new Origin("local", [], 0, 0));
        }

        var from = fetched.Peers.Where(p => p.Blocks > 0).Select(p => p.Peer.ToString()).ToList();
        return (cid, new Origin("peer", from, fetched.BytesFetched, fetched.BlocksFetched));
    }

    private async Task<FetchResult> FetchAsync(GatewayFetcher fetcher, Cid cid, string what, CancellationToken cancellationToken)
    {
        try
        {
            var result = await fetcher.FetchDagAsync(cid, _repo.Blocks, null, cancellationToken).ConfigureAwait(false);
            Log.InputFetched(_logger, result);
            return result;
        }
        catch (CairnException e) when (!e.Message.StartsWith(what, StringComparison.Ordinal))
        {
            throw new CairnException(e.Code, $"{what}: {e.Message}") { Hint = e.Hint };
        }
    }

    private async Task<Cid> InlineSourceAsync(SpecConfig source, string what, CancellationToken cancellationToken)
    {
        var url = Param(source, "URL");
        if (!DataUrl.TryParse(url, out var data, out var error))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"{what}: {error}.");
        }

        using var stream = new MemoryStream(data.Data.ToArray(), writable: false);
        var entry = await Importer().ImportFileAsync(stream, null, null, cancellationToken).ConfigureAwait(false);
        return entry.Cid;
    }

    private async Task<(Cid, Origin)> UrlSourceAsync(SpecConfig source, string what, string workDirectory, CancellationToken cancellationToken)
    {
        var text = Param(source, "URL");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"{what}: expected an http:// or https:// URL, got \"{text}\".");
        }

        var cap = _options.MaxUrlBytes;
        var downloads = Path.Combine(workDirectory, "downloads");
        Directory.CreateDirectory(downloads);
        var temp = Path.Combine(downloads, Guid.NewGuid().ToString("n"));
        try
        {
            await DownloadAsync(uri, temp, what, cap, cancellationToken).ConfigureAwait(false);
            var stream = File.OpenRead(temp);
            await using (stream.ConfigureAwait(false))
            {
                var entry = await Importer().ImportFileAsync(stream, null, null, cancellationToken).ConfigureAwait(false);
                return (entry.Cid, new Origin("url", [uri.ToString()], stream.Length, 0));
            }
        }
        catch (HttpRequestException e)
        {
            throw new CairnException(ErrorCode.ServiceUnavailable, $"{what}: GET {uri} failed: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CairnException(ErrorCode.Timeout, $"{what}: GET {uri} timed out after {_http.Timeout.TotalSeconds:0}s.");
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task DownloadAsync(Uri uri, string temp, string what, long cap, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CairnException(ErrorCode.NotFound, $"{what}: GET {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        if (response.Content.Headers.ContentLength is { } length && length > cap)
        {
            throw TooLarge(what, uri, cap);
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > cap)
                    {
                        throw TooLarge(what, uri, cap);
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<Cid> LocalSourceAsync(SpecConfig source, string what, CancellationToken cancellationToken)
    {
        var path = Param(source, "SourcePath") ?? throw new CairnException(ErrorCode.InvalidInput, $"{what}: a local source needs Params.SourcePath.");
        if (Param(source, "ReadWrite") is { } rw && bool.TryParse(rw, out var readWrite) && readWrite)
        {
            throw new CairnException(ErrorCode.Unsupported, $"{what}: ReadWrite local inputs are not supported; inputs are mounted read-only.")
            {
                Hint = "Write results to a ResultPath instead.",
            };
        }

        var real = RealPath(path);
        var allowed = _options.AllowedLocalPaths.Select(RealPath).Any(root =>
            real == root || real.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        if (!allowed)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"{what}: {path} (resolved to {real}) is not under a path this node allows local inputs from.")
            {
                Hint = _options.AllowedLocalPaths.Count == 0
                    ? "This node allows no local inputs; add the data with `cairn add` and use an ipfs source."
                    : $"Allowed: {string.Join(", ", _options.AllowedLocalPaths)}.",
            };
        }

        if (!File.Exists(real) && !Directory.Exists(real))
        {
            throw new CairnException(ErrorCode.NotFound, $"{what}: {path} does not exist on this node.");
        }

        var importer = new UnixFsImporter(_repo.Blocks, new ImportOptions { IncludeHidden = true });
        var entry = await importer.ImportPathAsync(real, recursive: true, null, null, cancellationToken).ConfigureAwait(false);
        return entry.Cid;
    }

    private UnixFsImporter Importer() => new(_repo.Blocks, new ImportOptions());

    private static CairnException TooLarge(string what, Uri uri, long cap) =>
        new(ErrorCode.InvalidInput, $"{what}: {uri} is larger than the {cap} bytes this node downloads for a url input.")
        {
            Hint = "Add large data to the node with `cairn add` and use an ipfs source.",
        };

    private static string? Param(SpecConfig source, string key)
    {
        foreach (var (name, value) in source.Params)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return value switch
                {
                    null => null,
                    string s => s,
                    bool b => b ? "true" : "false",
                    _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                };
            }
        }

        return null;
    }

    /// <summary>The first block of the DAG that is not in the store, in depth-first order; null when all are.</summary>
    private async Task<Cid?> FindMissingAsync(Cid root, CancellationToken cancellationToken) =>
        (await ScanDagAsync(root, cancellationToken).ConfigureAwait(false)).Missing;

    /// <summary>The first block of the DAG not on the node (depth-first), or null and the bytes of its blocks.</summary>
    private async Task<(Cid? Missing, long Bytes)> ScanDagAsync(Cid root, CancellationToken cancellationToken)
    {
        var bytes = 0L;
        var visited = new HashSet<Cid>();
        var stack = new Stack<Cid>();
        stack.Push(root);
        while (stack.TryPop(out var cid))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!visited.Add(cid) || cid.HashCode == Multicodec.Identity)
            {
                continue;
            }

            if (cid.Codec == Multicodec.Raw)
            {
                if (await _repo.Blocks.GetSizeAsync(cid, cancellationToken).ConfigureAwait(false) is not { } size)
                {
                    return (cid, bytes);
                }

                bytes += size;
                continue;
            }

            var block = await _repo.Blocks.GetAsync(cid, cancellationToken).ConfigureAwait(false);
            if (block is null)
            {
                return (cid, bytes);
            }

            bytes += block.Length;
            var links = Content.BlockLinks.Get(cid, block);
            for (var i = links.Count - 1; i >= 0; i--)
            {
                stack.Push(links[i]);
            }
        }

        return (null, bytes);
    }

    /// <summary>A guest path in canonical form ("/a/b"): absolute, no "." or ".." segments.</summary>
    private static string GuestPath(string path, string field)
    {
        var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"{field}: \"{path}\" is not a path inside the task.") { Hint = "Give an absolute path such as /inputs." };
        }

        foreach (var segment in segments)
        {
            if (segment is "." or ".." || segment.Contains('\\', StringComparison.Ordinal) || segment.Contains('\0', StringComparison.Ordinal))
            {
                throw new CairnException(ErrorCode.InvalidInput, $"{field}: \"{path}\" has a \"{segment}\" segment; give a plain absolute path.");
            }
        }

        return "/" + string.Join('/', segments);
    }

    private static void CheckNoOverlap(List<(string Guest, string What)> guests)
    {
        for (var i = 0; i < guests.Count; i++)
        {
            for (var j = i + 1; j < guests.Count; j++)
            {
                var (a, whatA) = guests[i];
                var (b, whatB) = guests[j];
                if (a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal))
                {
                    throw new CairnException(ErrorCode.InvalidInput, $"{whatA} at {a} and {whatB} at {b} overlap.")
                    {
                        Hint = "Give every input and result path its own directory.",
                    };
                }
            }
        }
    }

    /// <summary>The path with every symbolic link on the way resolved.</summary>
    private static string RealPath(string path)
    {
        var current = Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
        var pending = new Stack<string>(Path.GetFullPath(path)[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = part == ".." ? Path.GetDirectoryName(current) ?? current : next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new CairnException(ErrorCode.InvalidInput, $"{path}: too many levels of symbolic links.");
            }

            // Re-walk the link's target (relative to the link's directory) before the rest of the path.
            var resolved = Path.GetFullPath(target, current);
            var root = Path.GetPathRoot(resolved) ?? "/";
            foreach (var segment in resolved[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(segment);
            }

            current = root;
        }

        return current;
    }

    private static long SizeOf(string host)
    {
        if (File.Exists(host))
        {
            return new FileInfo(host).Length;
        }

        return Directory.Exists(host)
            ? Directory.EnumerateFiles(host, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
            : 0;
    }

    private static void MakeReadOnly(string host)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (Directory.Exists(host))
        {
            // Symbolic links are skipped: changing their mode would change their target's.
            foreach (var file in Directory.EnumerateFiles(host, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).LinkTarget is null))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            // A directory without write permission still lets its entries' modes be changed.
            foreach (var dir in Directory.EnumerateDirectories(host, "*", SearchOption.AllDirectories).Where(d => new DirectoryInfo(d).LinkTarget is null).Append(host))
            {
                File.SetUnixFileMode(dir, ReadOnlyDirectory);
            }
        }
        else if (File.Exists(host))
        {
            File.SetUnixFileMode(host, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    private static void MakeWritable(string path, bool directory)
    {
        if (OperatingSystem.IsWindows() || new FileInfo(path).LinkTarget is not null)
        {
            return;
        }

        File.SetUnixFileMode(path, directory ? ReadOnlyDirectory | UnixFileMode.UserWrite : UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private const UnixFileMode ReadOnlyDirectory =
        UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private sealed record PreparedTask(IReadOnlyList<PreparedInput> Inputs, IReadOnlyList<PreparedInput> Artifacts, IReadOnlyList<PreparedOutput> Outputs, IReadOnlyList<InputOrigin> Origins);

    /// <summary>How a source's content was obtained (see <see cref="InputOrigin"/>).</summary>
    private sealed record Origin(string Source, IReadOnlyList<string> From, long BytesMoved, long BlocksFetched)
    {
        public InputOrigin For(string target, Cid cid) =>
            new() { Target = target, Cid = cid.ToString(), Source = Source, From = From, BytesMoved = BytesMoved, BlocksFetched = BlocksFetched };
    }
}
