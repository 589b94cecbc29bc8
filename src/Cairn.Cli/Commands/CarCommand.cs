using System.CommandLine;
using System.Text.Json.Nodes;
using Cairn.Cli.Output;
using Cairn.Content.Car;
using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn car export|import</c>: CARv1 archives of DAGs.</summary>
internal static class CarCommand
{
    public static Command Create()
    {
        var command = new Command("car", "Export DAGs to CARv1 files and import them (every block verified).");
        command.Subcommands.Add(CreateExport());
        command.Subcommands.Add(CreateImport());
        return command;
    }

    private static Command CreateExport()
    {
        var cids = new Argument<string[]>("cid") { Description = "The roots to export.", Arity = ArgumentArity.OneOrMore };
        var file = new Option<string>("--output-file", "-o") { Description = "The CAR file to write ('-' for stdout).", Required = true };
        var format = Rendering.CreateOption();
        var export = new Command("export", "Write the DAGs under the given roots as a CARv1 (depth-first, each block once, as `ipfs dag export`).") { cids, file, format };
        export.SetAction(async (parse, ct) =>
        {
            var roots = parse.GetRequiredValue(cids).Select(Cid.Parse).ToList();
            var path = parse.GetRequiredValue(file);
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            CarExportResult result;
            if (path == "-")
            {
                await using var stdout = Console.OpenStandardOutput();
                result = await CarWriter.ExportAsync(roots, repo.Blocks, stdout, ct);
                return ExitCodes.Ok;
            }

            // Written aside and renamed, so a failed export (a missing block) leaves no partial file.
            var full = Path.GetFullPath(path);
            var temp = full + ".partial-" + Environment.ProcessId;
            try
            {
                await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    result = await CarWriter.ExportAsync(roots, repo.Blocks, stream, ct);
                }

                File.Move(temp, full, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }

            var report = new JsonObject
            {
                ["file"] = full,
                ["roots"] = Roots(roots),
                ["blocks"] = result.Blocks,
                ["blockBytes"] = result.BlockBytes,
                ["carBytes"] = result.CarBytes,
            };
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(format), report))
            {
                Console.WriteLine($"exported {result.Blocks} blocks ({result.BlockBytes} bytes of blocks, {result.CarBytes} bytes of CAR) to {path}");
                foreach (var root in roots)
                {
                    Console.WriteLine($"root {root}");
                }
            }

            return ExitCodes.Ok;
        });
        return export;
    }

    private static Command CreateImport()
    {
        var files = new Argument<string[]>("file") { Description = "CARv1 files to import.", Arity = ArgumentArity.OneOrMore };
        var pin = new Option<bool>("--pin") { Description = "Pin each file's roots recursively (default true).", DefaultValueFactory = _ => true };
        var format = Rendering.CreateOption();
        var import = new Command("import", "Import CARv1 files: every block is verified against its CID; a rejected file leaves nothing pinned.") { files, pin, format };
        import.SetAction(async (parse, ct) =>
        {
            var results = new List<(string File, CarImportResult Result)>();
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            foreach (var path in parse.GetRequiredValue(files))
            {
                CarImportResult result;
                try
                {
                    await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    result = await CarImporter.ImportAsync(stream, repo, parse.GetValue(pin), ct);
                }
                catch (FileNotFoundException)
                {
                    throw new CairnException(ErrorCode.NotFound, $"No such file: {path}.");
                }
                catch (CairnException e)
                {
                    throw new CairnException(e.Code, $"{path}: {e.Message}", e) { Hint = e.Hint };
                }

                results.Add((path, result));
            }

            var report = new JsonArray(results.Select(r => (JsonNode)new JsonObject
            {
                ["file"] = r.File,
                ["roots"] = Roots(r.Result.Roots),
                ["blocks"] = r.Result.Blocks,
                ["blockBytes"] = r.Result.BlockBytes,
                ["pinned"] = r.Result.Pinned,
            }).ToArray());
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(format), report))
            {
                foreach (var (file, result) in results)
                {
                    Console.WriteLine($"imported {result.Blocks} blocks ({result.BlockBytes} bytes) from {file}");
                    foreach (var root in result.Roots)
                    {
                        Console.WriteLine(result.Pinned ? $"pinned root {root} recursively" : $"root {root}");
                    }
                }
            }

            return ExitCodes.Ok;
        });
        return import;
    }

    private static JsonArray Roots(IReadOnlyList<Cid> roots) => new(roots.Select(root => (JsonNode)root.ToString()).ToArray());
}
