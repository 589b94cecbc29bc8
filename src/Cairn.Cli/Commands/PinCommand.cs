using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.ApiModels;
using Cairn.Cli.Output;
using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn pin add|rm|ls</c>: what gc keeps in the local store; with <c>--replicas N</c>, <c>cairn pin status</c>
/// and <c>rm --network</c>: copies an orchestrator keeps across its compute nodes (docs/replication.md).
/// </summary>
internal static class PinCommand
{
    public static Command Create()
    {
        var command = new Command(
            "pin",
            "Pin content so gc keeps it: recursive pins keep a whole DAG, direct pins one block. With --replicas N, an orchestrator keeps N copies across its compute nodes and repairs them when a node is lost.");
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateRm());
        command.Subcommands.Add(CreateLs());
        command.Subcommands.Add(CreateStatus());
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
        var replicas = new Option<int?>("--replicas")
        {
            Description = "Keep N copies across the orchestrator's compute nodes (at --api) instead of pinning locally: nodes fetch the DAG from whoever holds it, verify it and pin it; a lost holder's copy is made again elsewhere.",
        };
        var name = new Option<string?>("--name") { Description = "A name for the replicated pin." };
        var api = NodeApi.CreateOption();
        var wait = new Option<bool>("--wait") { Description = "With --replicas: wait until N copies are held, showing progress." };
        var timeout = new Option<int>("--timeout") { Description = "With --wait: give up after this many seconds (exit 11; the copies are still made).", DefaultValueFactory = _ => 600 };
        var output = Rendering.CreateOption();
        var add = new Command("add", "Pin content already in the local store (fails naming the first missing block), or with --replicas N keep N copies across the network.")
        {
            cids, recursive, replicas, name, api, wait, timeout, output,
        };
        add.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(replicas) is { } count)
            {
                return await AddReplicatedAsync(parse, api, parse.GetRequiredValue(cids), count, parse.GetValue(name), parse.GetValue(wait) ? parse.GetValue(timeout) : null, parse.GetValue(output), ct);
            }

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
        var network = new Option<bool>("--network")
        {
            Description = "Stop replicating these CIDs on the orchestrator at --api: connected holders drop their replica copies (their operators' own pins stay).",
        };
        var api = NodeApi.CreateOption();
        var rm = new Command("rm", "Remove pins (the blocks stay until the next gc), or with --network stop replicating across the nodes.") { cids, network, api };
        rm.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(network))
            {
                using var client = NodeApi.Connect(parse, api);
                foreach (var text in parse.GetRequiredValue(cids))
                {
                    var removed = await client.RemoveReplicasAsync(Cid.Parse(text).ToString(), ct);
                    Console.WriteLine($"stopped replicating {removed.Cid} ({removed.Healthy} copies were held; their replica pins are dropped)");
                }

                return ExitCodes.Ok;
            }

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

    private static Command CreateStatus()
    {
        var cid = new Argument<string?>("cid") { Description = "The replicated CID (omit to list every replicated pin).", Arity = ArgumentArity.ZeroOrOne };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var status = new Command("status", "Show replicated pins on the orchestrator at --api: copies wanted and held, each holder and its state, repairs under way.") { cid, api, output };
        status.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            IReadOnlyList<ReplicaView> views = parse.GetValue(cid) is { } text
                ? [await client.GetReplicasAsync(Cid.Parse(text).ToString(), ct)]
                : (await client.ListReplicasAsync(ct)).Items;
            var structured = parse.GetValue(cid) is null
                ? JsonNode.Parse(JsonSerializer.Serialize(new ListResponse<ReplicaView> { Items = views }, ApiJsonContext.Default.ListResponseReplicaView))
                : JsonNode.Parse(JsonSerializer.Serialize(views[0], ApiJsonContext.Default.ReplicaView));
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), structured))
            {
                if (views.Count == 0)
                {
                    Console.WriteLine("No replicated pins. Hint: `cairn pin add CID --replicas N` keeps N copies across the nodes.");
                }

                foreach (var view in views)
                {
                    WriteStatus(view);
                }
            }

            return ExitCodes.Ok;
        });
        return status;
    }

    private static async Task<int> AddReplicatedAsync(ParseResult parse, Option<string?> api, string[] cids, int replicas, string? name, int? waitSeconds, OutputFormat output, CancellationToken ct)
    {
        using var client = NodeApi.Connect(parse, api);
        var views = new List<ReplicaView>();
        foreach (var text in cids)
        {
            views.Add(await client.AddReplicasAsync(Cid.Parse(text).ToString(), replicas, name, ct));
        }

        if (waitSeconds is { } seconds)
        {
            var deadline = DateTime.UtcNow.AddSeconds(seconds);
            for (var i = 0; i < views.Count; i++)
            {
                var shown = -1;
                while (views[i].Healthy < views[i].Replicas)
                {
                    if (views[i].Healthy != shown && output == OutputFormat.Table)
                    {
                        shown = views[i].Healthy;
                        Console.Error.WriteLine($"{views[i].Cid}: {Bar(shown, replicas)} {shown}/{replicas} copies{(views[i].Message is { } m ? " (" + m + ")" : string.Empty)}");
                    }

                    if (DateTime.UtcNow >= deadline)
                    {
                        throw new CairnException(ErrorCode.Timeout, $"{views[i].Cid} has {views[i].Healthy} of {replicas} copies after {seconds}s{(views[i].Message is { } why ? ": " + why : ".")}")
                        {
                            Hint = "The orchestrator keeps trying: watch `cairn pin status " + views[i].Cid + "`. A copy needs a connected compute node that does not hold one yet.",
                        };
                    }

                    await Task.Delay(250, ct);
                    views[i] = await client.GetReplicasAsync(views[i].Cid, ct);
                }
            }
        }

        var structured = JsonNode.Parse(JsonSerializer.Serialize(new ListResponse<ReplicaView> { Items = views }, ApiJsonContext.Default.ListResponseReplicaView));
        if (!Rendering.TryWriteStructured(Console.Out, output, structured))
        {
            foreach (var view in views)
            {
                if (waitSeconds is null)
                {
                    Console.WriteLine($"replicating {view.Cid}: {view.Replicas} copies wanted, {view.Healthy} held now");
                    Console.WriteLine($"Hint: `cairn pin status {view.Cid}` shows the holders; add --wait to wait for the copies.");
                }
                else
                {
                    WriteStatus(view);
                }
            }
        }

        return ExitCodes.Ok;
    }

    private static void WriteStatus(ReplicaView view)
    {
        Console.WriteLine($"{view.Cid}{(view.Name is { } n ? " (" + n + ")" : string.Empty)}");
        Console.WriteLine($"  copies     {view.Healthy}/{view.Replicas} {view.Status}{(view.Message is { } m ? ": " + m : string.Empty)}");
        foreach (var holder in view.Holders)
        {
            var details = new List<string> { holder.State };
            if (holder.Bytes > 0)
            {
                details.Add($"{holder.Bytes:N0} bytes");
            }

            if (holder.PinnedTime is { } at && holder.State != "pinning")
            {
                details.Add("since " + at.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (holder.Message is { } why)
            {
                details.Add(why);
            }

            Console.WriteLine($"  holder     {holder.NodeID}: {string.Join(", ", details)}");
        }
    }

    private static string Bar(int done, int total)
    {
        var width = Math.Clamp(total, 1, 20);
        var filled = total == 0 ? width : (int)Math.Round((double)Math.Min(done, total) / total * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }

    private static string ModeName(PinMode mode) => mode == PinMode.Recursive ? "recursive" : "direct";
}
