using System.Runtime.InteropServices;

namespace Cairn.Content.Storage;

/// <summary>Finds functions in the C library (glibc or musl) on Linux; elsewhere finds none.</summary>
internal static class Libc
{
    private static readonly nint Handle = Load();

    /// <summary>The address of <paramref name="name"/> in libc, or false when there is none.</summary>
    public static bool TryGetExport(string name, out nint address)
    {
        address = 0;
        return Handle != 0 && NativeLibrary.TryGetExport(Handle, name, out address);
    }

    private static nint Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        foreach (var name in new[] { "libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc" })
        {
            if (NativeLibrary.TryLoad(name, out var library))
            {
                return library;
            }
        }

        return 0;
    }
}
