using System.Buffers.Binary;
using System.Text;

namespace Cairn.Wasm.Wasi;

/// <summary>File-descriptor operations.</summary>
internal sealed partial class WasiContext
{
    private const ulong AllRights = 0x1FFF_FFFF;

    // Stdio is not seekable: without FD_SEEK/FD_TELL wasi-libc treats it as a terminal-like stream.
    private const ulong StreamRights = AllRights & ~((1UL << 2) | (1UL << 5));

    private FdEntry? Get(int fd) => _fds.GetValueOrDefault(fd);

    private int FdWrite(int fd, uint iovs, uint count, uint nwrittenPtr, long? offset)
    {
        var e = Get(fd);
        if (e?.Stream is null || e.Kind == FdKind.Stdin || !e.Stream.CanWrite)
        {
            return e is { Kind: FdKind.Directory } ? EIsDir : EBadf;
        }

        var s = e.Stream;
        long saved = 0;
        if (offset is { } off)
        {
            if (!s.CanSeek)
            {
                return ESpipe;
            }

            saved = s.Position;
            s.Position = off;
        }
        else if (e.Append && s.CanSeek)
        {
            s.Seek(0, SeekOrigin.End);
        }

        uint total = 0;
        for (uint i = 0; i < count; i++)
        {
            var buf = ReadU32(iovs + (i * 8));
            var len = ReadU32(iovs + (i * 8) + 4);
            s.Write(Mem(buf, len));
            total += len;
        }

        if (e.Kind == FdKind.Stdout)
        {
            s.Flush();
        }

        if (offset is not null)
        {
            s.Position = saved;
        }

        WriteU32(nwrittenPtr, total);
        return Success;
    }

    private int FdRead(int fd, uint iovs, uint count, uint nreadPtr, long? offset)
    {
        var e = Get(fd);
        if (e?.Stream is null || e.Kind == FdKind.Stdout || !e.Stream.CanRead)
        {
            return e is { Kind: FdKind.Directory } ? EIsDir : EBadf;
        }

        var s = e.Stream;
        long saved = 0;
        if (offset is { } off)
        {
            if (!s.CanSeek)
            {
                return ESpipe;
            }

            saved = s.Position;
            s.Position = off;
        }

        uint total = 0;
        for (uint i = 0; i < count; i++)
        {
            var buf = ReadU32(iovs + (i * 8));
            var len = ReadU32(iovs + (i * 8) + 4);
            var span = Mem(buf, len);
            var n = s.Read(span);
            total += (uint)n;
            if (n < len)
            {
                break;
            }
        }

        if (offset is not null)
        {
            s.Position = saved;
        }

        WriteU32(nreadPtr, total);
        return Success;
    }

    private int FdClose(int fd)
    {
        var e = Get(fd);
        if (e is null)
        {
            return EBadf;
        }

        if (e.Kind == FdKind.File)
        {
            e.Stream?.Dispose();
        }

        _fds.Remove(fd);
        return Success;
    }

    private int FdSeek(int fd, long offset, int whence, uint resultPtr)
    {
        var e = Get(fd);
        if (e is null)
        {
            return EBadf;
        }

        if (e.Kind != FdKind.File || e.Stream is not { CanSeek: true } s)
        {
            return e.Kind == FdKind.Directory ? EBadf : ESpipe;
        }

        var origin = whence switch
        {
            0 => SeekOrigin.Begin,
            1 => SeekOrigin.Current,
            2 => SeekOrigin.End,
            _ => (SeekOrigin)(-1),
        };
        if ((int)origin < 0)
        {
            return EInval;
        }

        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => s.Position + offset,
            _ => s.Length + offset,
        };
        if (target < 0)
        {
            return EInval;
        }

        s.Position = target;
        WriteU64(resultPtr, (ulong)target);
        return Success;
    }

    private int FdSync(int fd)
    {
        var e = Get(fd);
        if (e is null)
        {
            return EBadf;
        }

        e.Stream?.Flush();
        return Success;
    }

    private int FdFdstatGet(int fd, uint ptr)
    {
        var e = Get(fd);
        if (e is null)
        {
            return EBadf;
        }

        var buf = Mem(ptr, 24);
        buf.Clear();
        buf[0] = e.Kind switch
        {
            FdKind.File => 4,
            FdKind.Directory => 3,
            _ => 2,
        };
        BinaryPrimitives.WriteUInt16LittleEndian(buf[2..], (ushort)(e.Append ? 1 : 0));
        var rights = e.Kind is FdKind.File or FdKind.Directory ? AllRights : StreamRights;
        BinaryPrimitives.WriteUInt64LittleEndian(buf[8..], rights);
        BinaryPrimitives.WriteUInt64LittleEndian(buf[16..], AllRights);
        return Success;
    }

    private int FdSetFlags(int fd, int flags)
    {
        var e = Get(fd);
        if (e is null)
        {
            return EBadf;
        }

        e.Append = (flags & 1) != 0;
        return Success;
    }

    private int FdFilestatGet(int fd, uint ptr)
    {
        var e = Get(fd);
        if (e is null)
        {
            return EBadf;
        }

        if (e.Kind is FdKind.Stdin or FdKind.Stdout)
        {
            var buf = Mem(ptr, 64);
            buf.Clear();
            buf[16] = 2;
            BinaryPrimitives.WriteUInt64LittleEndian(buf[24..], 1);
            return Success;
        }

        if (e.Kind == FdKind.File)
        {
            e.Stream!.Flush();
        }

        return WriteFilestat(e.Kind == FdKind.Directory ? new DirectoryInfo(e.HostPath) : new FileInfo(e.HostPath), ptr);
    }

    private int WriteFilestat(FileSystemInfo info, uint ptr)
    {
        if (!info.Exists)
        {
            return ENoent;
        }

        var buf = Mem(ptr, 64);
        buf.Clear();
        buf[16] = info.LinkTarget is not null ? (byte)7 : info is DirectoryInfo ? (byte)3 : (byte)4;
        BinaryPrimitives.WriteUInt64LittleEndian(buf[24..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(buf[32..], info is FileInfo f ? (ulong)f.Length : 4096);
        if (_config.AllowHostTime)
        {
            var ns = (ulong)((info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100);
            BinaryPrimitives.WriteUInt64LittleEndian(buf[40..], ns);
            BinaryPrimitives.WriteUInt64LittleEndian(buf[48..], ns);
            BinaryPrimitives.WriteUInt64LittleEndian(buf[56..], ns);
        }

        return Success;
    }

    private int FdSetSize(int fd, long size)
    {
        var e = Get(fd);
        if (e is null || e.Kind != FdKind.File)
        {
            return EBadf;
        }

        if (e.ReadOnly || !e.Stream!.CanWrite)
        {
            return e.ReadOnly ? ERofs : EBadf;
        }

        e.Stream.SetLength(size);
        return Success;
    }

    private int PrestatGet(int fd, uint ptr)
    {
        var e = Get(fd);
        if (e is null || !e.IsPreopen)
        {
            return EBadf;
        }

        var buf = Mem(ptr, 8);
        buf.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(buf[4..], (uint)Encoding.UTF8.GetByteCount(e.GuestPath));
        return Success;
    }

    private int PrestatDirName(int fd, uint ptr, uint len)
    {
        var e = Get(fd);
        if (e is null || !e.IsPreopen)
        {
            return EBadf;
        }

        var name = Encoding.UTF8.GetBytes(e.GuestPath);
        if (len < name.Length)
        {
            return ENameTooLong;
        }

        name.CopyTo(Mem(ptr, (uint)name.Length));
        return Success;
    }

    private int FdReaddir(int fd, uint buf, uint bufLen, long cookie, uint usedPtr)
    {
        var e = Get(fd);
        if (e is null)
        {
            return EBadf;
        }

        if (e.Kind != FdKind.Directory)
        {
            return ENotDir;
        }

        var entries = new List<(string Name, byte Type)> { (".", 3), ("..", 3) };
        foreach (var info in new DirectoryInfo(e.HostPath).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            entries.Add((info.Name, info.LinkTarget is not null ? (byte)7 : info is DirectoryInfo ? (byte)3 : (byte)4));
        }

        uint used = 0;
        for (var i = (int)Math.Max(0, cookie); i < entries.Count && used < bufLen; i++)
        {
            var name = Encoding.UTF8.GetBytes(entries[i].Name);
            var record = new byte[24 + name.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)(i + 1));
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8), (ulong)(i + 1));
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(16), (uint)name.Length);
            record[20] = entries[i].Type;
            name.CopyTo(record, 24);
            var n = Math.Min((uint)record.Length, bufLen - used);
            record.AsSpan(0, (int)n).CopyTo(Mem(buf + used, n));
            used += n;
        }

        WriteU32(usedPtr, used);
        return Success;
    }

    private int FdRenumber(int from, int to)
    {
        var e = Get(from);
        if (e is null || Get(to) is null)
        {
            return EBadf;
        }

        FdClose(to);
        _fds.Remove(from);
        _fds[to] = e;
        return Success;
    }
}
