using System.Text;

namespace Cairn.IntegrationTests;

/// <summary>The test module (Modules/tasks.c) and job specs around it.</summary>
internal static class Modules
{
    public static byte[] Tasks { get; } = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Modules", "tasks.wasm"));

    public static string TasksDataUrl { get; } = "data:application/wasm;base64," + Convert.ToBase64String(Tasks);

    /// <summary>A batch job running tasks.wasm with <paramref name="args"/>; extra YAML goes under the task and the job.</summary>
    public static string TasksSpec(IEnumerable<string> args, string taskExtra = "", string jobExtra = "", string name = "tasks")
    {
        var sb = new StringBuilder();
        sb.Append("Name: ").Append(name).Append('\n');
        sb.Append("Type: batch\n");
        sb.Append(jobExtra);
        sb.Append("Tasks:\n");
        sb.Append("  - Name: main\n");
        sb.Append("    Engine:\n");
        sb.Append("      Type: wasm\n");
        sb.Append("      Params:\n");
        sb.Append("        EntryModule: \"").Append(TasksDataUrl).Append("\"\n");
        sb.Append("        Parameters: [").Append(string.Join(", ", args.Select(a => "\"" + a + "\""))).Append("]\n");
        sb.Append(taskExtra);
        return sb.ToString();
    }
}
