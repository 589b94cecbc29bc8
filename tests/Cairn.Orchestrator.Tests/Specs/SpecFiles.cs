namespace Cairn.Orchestrator.Tests.Specs;

internal static class SpecFiles
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Specs", name));

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Specs", name);
}
