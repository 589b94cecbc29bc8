using System.Reflection;
using System.Runtime.InteropServices;
using Cairn.ApiModels;
using Cairn.Jobs;
using Cairn.Orchestrator.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cairn.Api.Endpoints;

/// <summary><c>/api/v1/agent/alive|version|node</c> and <c>/api/v1/orchestrator/nodes</c>.</summary>
internal static class AgentEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var agent = endpoints.MapGroup(ApiRoutes.V1 + "/agent").WithTags("Agent");
        agent.MapGet("/alive", () => Results.Json(new AgentAlive(), ApiJsonContext.Default.AgentAlive)).Produces<AgentAlive>().WithSummary("Whether the node answers");
        agent.MapGet("/version", () => Results.Json(Version, ApiJsonContext.Default.AgentVersion)).Produces<AgentVersion>().WithSummary("The node's version");
        agent.MapGet("/node", (Delegate)NodeAsync).Produces<NodeInfo>().ProducesCairnProblem(StatusCodes.Status404NotFound).WithSummary("This node's compute info");
        endpoints.MapGet(ApiRoutes.V1 + "/orchestrator/nodes", (Delegate)ListNodesAsync).WithTags("Nodes").Produces<ListResponse<NodeInfo>>().WithSummary("The compute nodes the orchestrator knows");
    }

    private static AgentVersion Version { get; } = new()
    {
        Version = typeof(AgentEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
        Runtime = RuntimeInformation.FrameworkDescription,
    };

    private static async Task<IResult> NodeAsync(HttpContext context)
    {
        var directory = ApiServices.Require<INodeDirectory>(context, "compute node");
        var wanted = context.RequestServices.GetRequiredService<IOptions<CairnApiOptions>>().Value.LocalNode;
        var node = (wanted is { } id ? directory.Find(id) : (directory.Nodes.Count > 0 ? directory.Nodes[0] : null))
            ?? throw new CairnException(ErrorCode.NotFound, wanted is { } w ? $"Node {w} is not connected." : "This node runs no compute node.");
        return Results.Json(await node.GetInfoAsync(context.RequestAborted), ApiJsonContext.Default.NodeInfo);
    }

    private static async Task<IResult> ListNodesAsync(HttpContext context)
    {
        var directory = ApiServices.Require<INodeDirectory>(context, "node directory");
        var infos = new List<NodeInfo>();
        foreach (var node in directory.Nodes.ToList())
        {
            try
            {
                infos.Add(await node.GetInfoAsync(context.RequestAborted));
            }
            catch (CairnException) when (node is Network.RemoteComputeNode remote)
            {
                // A remote node between reconnects: show what it last said rather than failing the list.
                infos.Add(remote.LastInfo);
            }
        }

        return Results.Json(new ListResponse<NodeInfo> { Items = infos }, ApiJsonContext.Default.ListResponseNodeInfo);
    }
}
