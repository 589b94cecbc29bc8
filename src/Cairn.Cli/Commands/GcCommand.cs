using System.CommandLine;
using Cairn.Content.Storage;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn gc</c>: removes blocks no pin keeps.</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var output = PinCommand.OutputOption("text", "text", "json");
        var command = new Command(
            "gc",
            "Remove every block that is neither reachable from a recursive pin nor directly pinned. Waits for imports in progress; stops before deleting anything if a pinned block is missing or damaged.")
        {
            output,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            var result = await repo.CollectGarbageAsync(ct);
            if (parse.GetValue(output) == "json")
            {
                PinCommand.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteNumber("removedBlocks", result.RemovedBlocks);
                    json.WriteNumber("removedBytes", result.RemovedBytes);
                    json.WriteNumber("keptBlocks", result.KeptBlocks);
                    json.WriteNumber("removedTempFiles", result.RemovedTempFiles);
                    json.WriteStartArray("removed");
                    foreach (var cid in result.Removed)
                    {
                        json.WriteStringValue(cid.ToString());
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine($"removed {result.RemovedBlocks} blocks ({result.RemovedBytes} bytes), kept {result.KeptBlocks}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
