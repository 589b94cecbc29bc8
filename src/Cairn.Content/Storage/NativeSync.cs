using Microsoft.Win32.SafeHandles;

namespace Cairn.Content.Storage;

/// <summary>
/// <c>syncfs(2)</c>: flushes one file system's dirty data and metadata in one call, which is how
/// a batch of block writes becomes durable without an fsync per block. Linux (glibc or musl) only;
/// elsewhere <see cref="IsAvailable"/> is false and callers fsync file by file.
/// </summary>
internal static unsafe class NativeSync
{
    private static readonly delegate* unmanaged<int, int> Syncfs = Resolve();

    public static bool IsAvailable => Syncfs != null;

    /// <summary>Syncs the file system that holds <paramref name="anchorFile"/> (created if missing); false when unavailable or failed.</summary>
    public static bool SyncFileSystem(string anchorFile)
    {
        if (Syncfs == null)
        {
            return false;
        }

        using SafeFileHandle handle = File.OpenHandle(anchorFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return Syncfs((int)handle.DangerousGetHandle()) == 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static delegate* unmanaged<int, int> Resolve() =>
        Libc.TryGetExport("syncfs", out var export) ? (delegate* unmanaged<int, int>)export : null;
}
