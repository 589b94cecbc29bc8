namespace Cairn.Tests.Shared;

/// <summary>Where things are in the repository, found from the test assembly's location.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cairn.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Cairn.slnx) above " + AppContext.BaseDirectory);
    });

    public static string Root => RootLazy.Value;

    public static string Interop => Path.Combine(Root, "tests", "interop");
}
