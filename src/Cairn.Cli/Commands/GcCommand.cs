using System.CommandLine;
using System.Text.Json.Nodes;
using Cairn.Cli.Output;
using Cairn.Content.Storage;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn gc</c>: removes blocks no pin keeps.</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var output = Rendering.CreateOption();
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
            var report = new JsonObject
            {
                ["removedBlocks"] = result.RemovedBlocks,
                ["removedBytes"] = result.RemovedBytes,
                ["keptBlocks"] = result.KeptBlocks,
                ["removedTempFiles"] = result.RemovedTempFiles,
                ["removed"] = new JsonArray(result.Removed.Select(cid => (JsonNode)cid.ToString()).ToArray()),
            };
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), report))
            {
                Console.WriteLine($"removed {result.RemovedBlocks} blocks ({result.RemovedBytes} bytes), kept {result.KeptBlocks}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
