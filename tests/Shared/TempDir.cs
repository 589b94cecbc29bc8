namespace Cairn.Tests.Shared;

/// <summary>A temporary folder, removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cairn-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>
    /// Runs before any folder is removed. Test assemblies that use SQLite clear its connection
    /// pools here (a module initializer), since pooled connections keep the files open.
    /// </summary>
    public static event Action? BeforeDelete;

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        BeforeDelete?.Invoke();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or a file still busy: a leftover temp folder is harmless.
        }
    }
}
