using System.CommandLine;
using System.Text.Json.Nodes;
using Cairn.Cli.Output;
using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn pin add|rm|ls</c>: what gc keeps.</summary>
internal static class PinCommand
{
    public static Command Create()
    {
        var command = new Command("pin", "Pin content so gc keeps it: recursive pins keep a whole DAG, direct pins one block.");
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateRm());
        command.Subcommands.Add(CreateLs());
        return command;
    }

    private static Command CreateAdd()
    {
        var cids = new Argument<string[]>("cid") { Description = "The CIDs to pin.", Arity = ArgumentArity.OneOrMore };
        var recursive = new Option<bool>("--recursive", "-r")
        {
            Description = "Pin the whole DAG (true, the default) or only the block (false). The content must be present.",
            DefaultValueFactory = _ => true,
        };
        var add = new Command("add", "Pin content already in the local store; fails naming the first missing block.") { cids, recursive };
        add.SetAction(async (parse, ct) =>
        {
            var mode = parse.GetValue(recursive) ? PinMode.Recursive : PinMode.Direct;
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            foreach (var text in parse.GetRequiredValue(cids))
            {
                var cid = Cid.Parse(text);
                var existing = await repo.Pins.GetAsync(cid, ct);
                await repo.Pins.AddAsync(cid, mode, null, ct);
                Console.WriteLine(existing is { Mode: PinMode.Recursive } && mode == PinMode.Direct
                    ? $"{cid} is already pinned recursively"
                    : $"pinned {cid} {(mode == PinMode.Recursive ? "recursively" : "directly")}");
            }

            return ExitCodes.Ok;
        });
        return add;
    }

    private static Command CreateRm()
    {
        var cids = new Argument<string[]>("cid") { Description = "The pinned CIDs to unpin.", Arity = ArgumentArity.OneOrMore };
        var rm = new Command("rm", "Remove pins (the blocks stay until the next gc).") { cids };
        rm.SetAction(async (parse, ct) =>
        {
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            foreach (var text in parse.GetRequiredValue(cids))
            {
                var cid = Cid.Parse(text);
                if (!await repo.Pins.RemoveAsync(cid, ct))
                {
                    throw new CairnException(ErrorCode.Conflict, $"{cid} is not pinned.")
                    {
                        Hint = "`cairn pin ls` lists the pins; content reachable from a recursive pin is kept by that pin.",
                    };
                }

                Console.WriteLine($"unpinned {cid}");
            }

            return ExitCodes.Ok;
        });
        return rm;
    }

    private static Command CreateLs()
    {
        var type = new Option<string>("--type", "-t") { Description = "Which pins: recursive, direct or all.", DefaultValueFactory = _ => "all" };
        type.AcceptOnlyFromAmong("recursive", "direct", "all");
        var output = Rendering.CreateOption();
        var ls = new Command("ls", "List pins.") { type, output };
        ls.SetAction(async (parse, ct) =>
        {
            var wanted = parse.GetValue(type);
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            var pins = new List<Pin>();
            await foreach (var pin in repo.Pins.ListAsync(ct))
            {
                if (wanted == "all" || (wanted == "recursive") == (pin.Mode == PinMode.Recursive))
                {
                    pins.Add(pin);
                }
            }

            var listing = new JsonArray(pins.Select(pin =>
            {
                var node = new JsonObject { ["cid"] = pin.Cid.ToString(), ["type"] = ModeName(pin.Mode) };
                if (pin.Name is not null)
                {
                    node["name"] = pin.Name;
                }

                return (JsonNode)node;
            }).ToArray());
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), listing))
            {
                foreach (var pin in pins)
                {
                    Console.WriteLine(pin.Name is null ? $"{pin.Cid} {ModeName(pin.Mode)}" : $"{pin.Cid} {ModeName(pin.Mode)} {pin.Name}");
                }
            }

            return ExitCodes.Ok;
        });
        return ls;
    }

    private static string ModeName(PinMode mode) => mode == PinMode.Recursive ? "recursive" : "direct";
}
