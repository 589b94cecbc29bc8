using System.CommandLine;

namespace Cairn.Cli.Commands;

/// <summary>add, cat, get, ls, pin, gc, car: the content store on the local home.</summary>
internal static class ContentCommands
{
    public static IEnumerable<Command> Create() => [AddCommand.Create(), .. ExportCommands.Create()];
}
