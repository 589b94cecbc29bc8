using System.CommandLine;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn demo</c>: shows the main loop on the embedded default.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Show Cairn's main loop on a throw-away home.");
        command.SetAction((_, _) => Task.FromResult(0));
        return command;
    }
}
