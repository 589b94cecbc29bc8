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

            return ExitCodes.Ok;
        });
        command.Subcommands.Add(list);
        return command;
    }
}
