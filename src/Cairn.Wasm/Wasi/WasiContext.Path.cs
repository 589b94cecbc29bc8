namespace Cairn.Wasm.Wasi;

/// <summary>
/// Path operations and the sandbox: a guest path is resolved lexically below the directory fd it is
/// relative to; absolute paths, ".." above that directory and every symbolic link on the way are refused
/// with ENOTCAPABLE, so nothing outside a preopen is ever touched.
/// </summary>
internal sealed partial class WasiContext
{
    /// <summary>Resolves <paramref name="path"/> below directory <paramref name="dirFd"/>; returns an errno.</summary>
    internal int Resolve(int dirFd, string path, bool finalMayBeLink, out string hostPath)
    {
        hostPath = "";
        var dir = Get(dirFd);
        if (dir is null)
        {
            return EBadf;
        }

        if (dir.Kind != FdKind.Directory)
        {
            return ENotDir;
        }

        if (path.Length == 0)
        {
            return ENoent;
        }

        if (path[0] == '/' || path.Contains('\0', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            return path[0] == '/' ? ENotCapable : EInval;
        }

        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return ENotCapable;
                }

                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        var current = dir.HostPath;
        for (var i = 0; i < parts.Count; i++)
        {
            current = Path.Combine(current, parts[i]);
            var info = new FileInfo(current);
            if (info.Exists || Directory.Exists(current) || info.LinkTarget is not null)
            {
                if (info.LinkTarget is not null && !(finalMayBeLink && i == parts.Count - 1))
                {
                    // Symlinks are never followed: their targets may lie outside the preopen.
                    return ENotCapable;
                }
            }
        }

        hostPath = current;
        return Success;
    }

    private int PathOpen(int dirFd, int lookupFlags, string path, int oflags, long rights, int fdflags, uint fdPtr)
    {
        _ = lookupFlags;
        var err = Resolve(dirFd, path, false, out var host);
        if (err != Success)
        {
            return err;
        }

        const int Creat = 1, Directory = 2, Excl = 4, Trunc = 8;
        var readOnly = Get(dirFd)!.ReadOnly;
        var isDir = System.IO.Directory.Exists(host);
        if ((oflags & Directory) != 0 || (isDir && (oflags & (Creat | Trunc)) == 0))
        {
            if (!isDir)
            {
                return File.Exists(host) ? ENotDir : ENoent;
            }

            return NewFd(new FdEntry(FdKind.Directory) { HostPath = host, ReadOnly = readOnly }, fdPtr);
        }

        if (isDir)
        {
            return EIsDir;
        }

        var write = (rights & ((1L << 6) | (1L << 8) | (1L << 22))) != 0 || (oflags & (Creat | Trunc)) != 0;
        var exists = File.Exists(host);
        if (readOnly && write)
        {
            // wasi-libc asks for write rights only when the caller opened for writing (O_WRONLY/O_RDWR).
            return !exists && (oflags & Creat) == 0 ? ENoent : ERofs;
        }

        if ((oflags & Creat) != 0 && (oflags & Excl) != 0 && exists)
        {
            return EExist;
        }

        if (!exists && (oflags & Creat) == 0)
        {
            return ENoent;
        }

        var mode = (oflags & Creat) != 0
            ? ((oflags & Excl) != 0 ? FileMode.CreateNew : (oflags & Trunc) != 0 ? FileMode.Create : FileMode.OpenOrCreate)
            : (oflags & Trunc) != 0 ? FileMode.Truncate : FileMode.Open;
        var read = (rights & (1L << 1)) != 0 || !write;
        var access = write ? (read ? FileAccess.ReadWrite : FileAccess.Write) : FileAccess.Read;
        var stream = new FileStream(host, mode, access, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.None);
        return NewFd(new FdEntry(FdKind.File) { HostPath = host, Stream = stream, Append = (fdflags & 1) != 0, ReadOnly = readOnly }, fdPtr);
    }

    private int NewFd(FdEntry entry, uint fdPtr)
    {
        var fd = 3;
        while (_fds.ContainsKey(fd))
        {
            fd++;
        }

        try
        {
            WriteU32(fdPtr, (uint)fd);
        }
        catch
        {
            entry.Stream?.Dispose();
            throw;
        }

        _fds[fd] = entry;
        return Success;
    }

    private int PathCreateDirectory(int dirFd, string path)
    {
        if (Get(dirFd) is { ReadOnly: true })
        {
            return ERofs;
        }

        var err = Resolve(dirFd, path, false, out var host);
        if (err != Success)
        {
            return err;
        }

        if (Directory.Exists(host) || File.Exists(host))
        {
            return EExist;
        }

        Directory.CreateDirectory(host);
        return Success;
    }

    private int PathRemoveDirectory(int dirFd, string path)
    {
        if (Get(dirFd) is { ReadOnly: true })
        {
            return ERofs;
        }

        var err = Resolve(dirFd, path, true, out var host);
        if (err != Success)
        {
            return err;
        }

        if (!Directory.Exists(host) || new DirectoryInfo(host).LinkTarget is not null)
        {
            return File.Exists(host) || new FileInfo(host).LinkTarget is not null ? ENotDir : ENoent;
        }

        if (IsPreopenRoot(host))
        {
            return EPerm;
        }

        if (Directory.EnumerateFileSystemEntries(host).Any())
        {
            return ENotEmpty;
        }

        Directory.Delete(host);
        return Success;
    }

    private int PathUnlinkFile(int dirFd, string path)
    {
        if (Get(dirFd) is { ReadOnly: true })
        {
            return ERofs;
        }

        var err = Resolve(dirFd, path, true, out var host);
        if (err != Success)
        {
            return err;
        }

        var info = new FileInfo(host);
        if (Directory.Exists(host) && info.LinkTarget is null)
        {
            return EIsDir;
        }

        if (!info.Exists && info.LinkTarget is null)
        {
            return ENoent;
        }

        // Deleting a link removes the link itself, never its target.
        info.Delete();
        return Success;
    }

    private int PathRename(int oldFd, string oldPath, int newFd, string newPath)
    {
        if (Get(oldFd) is { ReadOnly: true } || Get(newFd) is { ReadOnly: true })
        {
            return ERofs;
        }

        var err = Resolve(oldFd, oldPath, true, out var from);
        if (err == Success)
        {
            err = Resolve(newFd, newPath, false, out var to);
            if (err != Success)
            {
                return err;
            }

            if (Directory.Exists(from))
            {
                if (IsPreopenRoot(from))
                {
                    return EPerm;
                }

                if (File.Exists(to))
                {
                    return ENotDir;
                }

                if (Directory.Exists(to))
                {
                    if (Directory.EnumerateFileSystemEntries(to).Any())
                    {
                        return ENotEmpty;
                    }

                    Directory.Delete(to);
                }

                Directory.Move(from, to);
                return Success;
            }

            if (!File.Exists(from))
            {
                return ENoent;
            }

            if (Directory.Exists(to))
            {
                return EIsDir;
            }

            File.Move(from, to, overwrite: true);
            return Success;
        }

        return err;
    }

    private int PathFilestatGet(int dirFd, string path, uint ptr)
    {
        var err = Resolve(dirFd, path, true, out var host);
        if (err != Success)
        {
            return err;
        }

        FileSystemInfo info = Directory.Exists(host) ? new DirectoryInfo(host) : new FileInfo(host);
        return info.Exists || info.LinkTarget is not null ? WriteFilestat(info, ptr) : ENoent;
    }

    private int PathReadlink(int dirFd, string path, uint buf, uint len, uint usedPtr)
    {
        var err = Resolve(dirFd, path, true, out var host);
        if (err != Success)
        {
            return err;
        }

        var target = new FileInfo(host).LinkTarget;
        if (target is null)
        {
            return File.Exists(host) || Directory.Exists(host) ? EInval : ENoent;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(target);
        var n = (uint)Math.Min(bytes.Length, len);
        bytes.AsSpan(0, (int)n).CopyTo(Mem(buf, n));
        WriteU32(usedPtr, n);
        return Success;
    }

    private bool IsPreopenRoot(string host) =>
        _fds.Values.Any(f => f.IsPreopen && string.Equals(Path.TrimEndingDirectorySeparator(f.HostPath), Path.TrimEndingDirectorySeparator(host), StringComparison.Ordinal));
}
