using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.ApiModels;
using Cairn.Cli.Output;
using Cairn.Jobs;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn node list</c>: the compute nodes a node's orchestrator can place work on.</summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var command = new Command("node", "Inspect the compute nodes known to a node's orchestrator.");
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var list = new Command("list", "List compute nodes: id, engines, capacity, free resources, price, offer.") { api, output };
        list.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var nodes = await client.ListNodesAsync(ct);
            if (Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), JsonNode.Parse(JsonSerializer.Serialize(nodes, ApiJsonContext.Default.ListResponseNodeInfo))))
            {
                return ExitCodes.Ok;
            }

            foreach (var n in nodes.Items)
            {
                Console.WriteLine($"{n.Id}");
                Console.WriteLine($"  engines    {string.Join(", ", n.Engines)}");
                Console.WriteLine($"  capacity   {n.Capacity}");
                Console.WriteLine($"  available  {n.Available}");
                Console.WriteLine($"  price      {n.Price} per million fuel");
                Console.WriteLine($"  offer      {n.OfferId ?? "-"} by {n.Account ?? "-"}");
                if (n.Labels.Count > 0)
                {
                    Console.WriteLine($"  labels     {string.Join(", ", n.Labels.Select(l => l.Key + "=" + l.Value))}");
                }
            }

            await WriteRemoteAsync(client, ct);
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(list);
        command.Subcommands.Add(CreateProviders());
        command.Subcommands.Add(CreateDecision("approve", "Admit a pending remote compute node (it joins on its next dial).", approve: true));
        command.Subcommands.Add(CreateDecision("reject", "Refuse a remote compute node (its next dial is refused).", approve: false));
        return command;
    }

    private static async Task WriteRemoteAsync(Client.CairnClient client, CancellationToken ct)
    {
        ListResponse<ComputeAdmissionView> remote;
        try
        {
            remote = await client.ListComputeNodesAsync(ct);
        }
        catch (CairnException e) when (e.Code is ErrorCode.ServiceUnavailable or ErrorCode.NotFound)
        {
            return;
        }

        foreach (var n in remote.Items.Where(n => n.Status == "pending"))
        {
            Console.WriteLine($"{n.Did}");
            Console.WriteLine($"  status     pending since {n.FirstSeen:u} (cairn node approve {n.Did})");
            Console.WriteLine($"  gateway    {n.GatewayUrl ?? "-"}");
        }

        foreach (var n in remote.Items.Where(n => n.Status != "pending"))
        {
            Console.WriteLine($"remote {n.Did}: {n.Status}, {(n.Connected ? "connected" : "disconnected")}, gateway {n.GatewayUrl ?? "-"}, provides {(n.ProvidedRoots is { } roots ? roots + " roots" : "nothing yet")}");
        }
    }

    private static Command CreateProviders()
    {
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var cid = new Argument<string>("cid") { Description = "The root CID to look for." };
        var command = new Command("providers", "Which remote compute nodes hold a CID's whole DAG, from the provider records they announce (as `ipfs routing findprovs`).") { cid, api, output };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var providers = await client.ListProvidersAsync(Cairn.Multiformats.Cid.Parse(parse.GetRequiredValue(cid)).ToString(), ct);
            if (Rendering.TryWriteStructured(Console.Out, parse.GetValue(output), JsonNode.Parse(JsonSerializer.Serialize(providers, ApiJsonContext.Default.ListResponseProviderView))))
            {
                return ExitCodes.Ok;
            }

            if (providers.Items.Count == 0)
            {
                Console.WriteLine("No connected node announces it. Hint: nodes announce their pins and fetched inputs every 2 s; `cairn pin add CID --replicas N` makes copies.");
            }

            foreach (var p in providers.Items)
            {
                Console.WriteLine($"{p.NodeID}  {p.Bytes:N0} bytes  {(p.Connected ? "connected" : "disconnected")}  {p.GatewayUrl ?? "-"}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateDecision(string name, string description, bool approve)
    {
        var api = NodeApi.CreateOption();
        var did = new Argument<string>("did") { Description = "The node's did:key (as `cairn node list` shows it)." };
        var command = new Command(name, description) { api, did };
        command.SetAction(async (parse, ct) =>
        {
            using var client = NodeApi.Connect(parse, api);
            var id = parse.GetValue(did)!;
            var view = approve ? await client.ApproveNodeAsync(id, ct) : await client.RejectNodeAsync(id, ct);
            Console.WriteLine($"{view.Did} {view.Status}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
