using System.Globalization;

namespace Cairn.Orchestrator.Specs;

/// <summary>Builds field paths the way the binder writes them (<c>Tasks[0].Engine</c>).</summary>
internal static class JobPath
{
    public static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;

    public static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
}
