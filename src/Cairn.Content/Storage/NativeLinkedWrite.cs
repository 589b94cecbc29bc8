using System.Runtime.InteropServices;
using System.Text;

namespace Cairn.Content.Storage;

/// <summary>
/// Writes a block as an unnamed file (<c>open(O_TMPFILE)</c> in its shard) and gives it its name
/// with <c>linkat(2)</c> once complete. Like temp + rename, a reader sees the block whole or not
/// at all, but it costs one directory entry instead of two and no rename journal entry, which on
/// ext4 roughly doubles the rate of small-file writes. Linux x64/arm64 only; where the file system
/// lacks O_TMPFILE the caller falls back to temp + rename.
/// </summary>
internal static unsafe class NativeLinkedWrite
{
    private const int OWronly = 0x1;
    private const int OCloexec = 0x80000;
    private const int AtFdCwd = -100;
    private const int AtSymlinkFollow = 0x400;
    private const int Enoent = 2;
    private const int Eintr = 4;
    private const int Eexist = 17;

    private static readonly int OTmpFile = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x410000, // __O_TMPFILE | O_DIRECTORY
        Architecture.Arm64 => 0x404000,
        _ => 0,
    };

    private static readonly delegate* unmanaged<byte*, int, int, int> Open;
    private static readonly delegate* unmanaged<int, byte*, nint, nint> Write;
    private static readonly delegate* unmanaged<int, byte*, int, byte*, int, int> Linkat;
    private static readonly delegate* unmanaged<int, int> Close;

#pragma warning disable CA1810 // the exports are resolved together, once
    static NativeLinkedWrite()
#pragma warning restore CA1810
    {
        if (OTmpFile == 0)
        {
            return;
        }

        if (Libc.TryGetExport("open", out var open)
            && Libc.TryGetExport("write", out var write)
            && Libc.TryGetExport("linkat", out var linkat)
            && Libc.TryGetExport("close", out var close))
        {
            Open = (delegate* unmanaged<byte*, int, int, int>)open;
            Write = (delegate* unmanaged<int, byte*, nint, nint>)write;
            Linkat = (delegate* unmanaged<int, byte*, int, byte*, int, int>)linkat;
            Close = (delegate* unmanaged<int, int>)close;
        }
    }

    /// <summary>What <see cref="TryWrite"/> did.</summary>
    public enum Outcome
    {
        /// <summary>The block is in place under its name.</summary>
        Written,

        /// <summary>A file of that name exists already (nothing was changed).</summary>
        Exists,

        /// <summary>The shard folder does not exist yet.</summary>
        DirectoryMissing,

        /// <summary>This platform or file system cannot do it: use temp + rename.</summary>
        Unsupported,
    }

    public static bool IsAvailable => Open != null;

    public static Outcome TryWrite(string directory, string path, ReadOnlySpan<byte> data)
    {
        if (Open == null)
        {
            return Outcome.Unsupported;
        }

        var dir = Utf8z(directory);
        int fd;
        fixed (byte* d = dir)
        {
            fd = Open(d, OTmpFile | OWronly | OCloexec, 0x1A4 /* 0644 */);
        }

        if (fd < 0)
        {
            return Marshal.GetLastSystemError() == Enoent ? Outcome.DirectoryMissing : Outcome.Unsupported;
        }

        try
        {
            fixed (byte* p = data)
            {
                var done = 0;
                while (done < data.Length)
                {
                    var n = Write(fd, p + done, data.Length - done);
                    if (n < 0)
                    {
                        var errno = Marshal.GetLastSystemError();
                        if (errno == Eintr)
                        {
                            continue;
                        }

                        throw new IOException($"Cannot write block {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
                    }

                    done += (int)n;
                }
            }

            var source = Utf8z("/proc/self/fd/" + fd);
            var target = Utf8z(path);
            int result;
            fixed (byte* s = source)
            fixed (byte* t = target)
            {
                result = Linkat(AtFdCwd, s, AtFdCwd, t, AtSymlinkFollow);
            }

            if (result == 0)
            {
                return Outcome.Written;
            }

            var linkErrno = Marshal.GetLastSystemError();
            return linkErrno == Eexist ? Outcome.Exists : Outcome.Unsupported;
        }
        finally
        {
            // The unnamed file disappears with its last descriptor unless linkat named it.
            Close(fd);
        }
    }

    private static byte[] Utf8z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
