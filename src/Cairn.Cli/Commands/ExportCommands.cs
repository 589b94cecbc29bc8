using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.Json;
using Cairn.Cli.Output;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn cat</c>, <c>cairn get</c>, <c>cairn ls</c>: read UnixFS content from the local store.</summary>
internal static class ExportCommands
{
    public static IEnumerable<Command> Create() => [CreateCat(), CreateGet(), CreateLs()];

    private static Command CreateCat()
    {
        var path = new Argument<string>("cid-path") { Description = "CID, CID/path or /ipfs/CID/path of a file." };
        var command = new Command("cat", "Write a file's content to standard output.") { path };
        command.SetAction(async (parse, ct) =>
        {
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            var exporter = new UnixFsExporter(repo.Blocks);
            var cid = await exporter.ResolvePathAsync(parse.GetRequiredValue(path), ct);
            await using var stdout = Console.OpenStandardOutput();
            await exporter.WriteFileAsync(cid, stdout, ct);
            await stdout.FlushAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateGet()
    {
        var path = new Argument<string>("cid-path") { Description = "CID, CID/path or /ipfs/CID/path of a file or directory." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write it (default: ./<last path segment or CID>); must not exist." };
        var command = new Command("get", "Download a file or directory tree from the local store to disk.") { path, output };
        command.SetAction(async (parse, ct) =>
        {
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            var exporter = new UnixFsExporter(repo.Blocks);
            var cidPath = parse.GetRequiredValue(path);
            var cid = await exporter.ResolvePathAsync(cidPath, ct);
            var target = parse.GetValue(output) ?? cidPath.Split('/', StringSplitOptions.RemoveEmptyEntries)[^1];
            await exporter.ExportAsync(cid, target, ct);
            Console.Error.WriteLine($"Saved {cid} to {target}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateLs()
    {
        var path = new Argument<string>("cid-path") { Description = "CID, CID/path or /ipfs/CID/path of a directory." };
        var format = Rendering.CreateOption();
        var command = new Command("ls", "List a directory: CID, size and name of each entry (directories end with '/').") { path, format };
        command.SetAction(async (parse, ct) =>
        {
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            var exporter = new UnixFsExporter(repo.Blocks);
            var cid = await exporter.ResolvePathAsync(parse.GetRequiredValue(path), ct);
            var entries = new List<UnixFsEntry>();
            await foreach (var entry in exporter.ListAsync(cid, ct))
            {
                entries.Add(entry);
            }

            var listing = new JsonObject
            {
                ["cid"] = cid.ToString(),
                ["entries"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
                {
                    ["name"] = e.Name,
                    ["cid"] = e.Cid.ToString(),
                    ["size"] = e.Size,
                    ["type"] = e.Type switch { UnixFsType.Directory => "directory", UnixFsType.Symlink => "symlink", _ => "file" },
                }).ToArray()),
            };
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(format), listing))
            {
                foreach (var e in entries)
                {
                    Console.WriteLine(e.Type == UnixFsType.Directory ? $"{e.Cid} - {e.Name}/" : $"{e.Cid} {e.Size} {e.Name}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
