using Cairn.ApiModels;
using Cairn.Network;
using Cairn.Network.Admission;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Api.Endpoints;

/// <summary>
/// <c>/api/v1/compute/connect</c> (the WebSocket compute nodes dial, see docs/network.md) and the admission
/// routes: <c>GET /api/v1/compute/nodes</c>, <c>POST /api/v1/compute/nodes/{did}/approve|reject</c>.
/// </summary>
internal static class ComputeEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var compute = endpoints.MapGroup(ApiRoutes.V1 + "/compute").WithTags("Compute");
        compute.MapGet("/connect", (Delegate)ConnectAsync).WithSummary("The compute nodes' WebSocket (a signed hello, then sequenced messages)");
        compute.MapGet("/nodes", (Delegate)List).Produces<ListResponse<ComputeAdmissionView>>().WithSummary("Remote compute nodes: pending, admitted");
        compute.MapGet("/providers/{cid}", Providers).Produces<ListResponse<ProviderView>>().WithSummary("The connected nodes that announced holding a CID's whole DAG (provider records)");
        compute.MapPost("/nodes/{did}/approve", (HttpContext context, string did) => Decide(context, did, approve: true)).Produces<ComputeAdmissionView>().WithSummary("Admit a pending node");
        compute.MapPost("/nodes/{did}/reject", (HttpContext context, string did) => Decide(context, did, approve: false)).Produces<ComputeAdmissionView>().WithSummary("Refuse a node");
    }

    private static async Task ConnectAsync(HttpContext context)
    {
        var hub = ApiServices.Require<ComputeHub>(context, "compute hub (a compute-only node takes no compute connections)");
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw new CairnException(ErrorCode.InvalidArgument, "This route takes a WebSocket connection.") { Hint = "Compute nodes dial it with `cairn serve --join URL`." };
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await hub.AcceptAsync(socket, context.RequestAborted);
    }

    private static IResult List(HttpContext context)
    {
        var hub = ApiServices.Require<ComputeHub>(context, "compute hub");
        var items = hub.Admission.Pending
            .Select(p => new ComputeAdmissionView { Did = p.Did, Status = "pending", FirstSeen = p.FirstSeen, GatewayUrl = p.GatewayUrl })
            .Concat(hub.Nodes.Select(n => new ComputeAdmissionView { Did = n.Did, Status = "admitted", GatewayUrl = n.GatewayUrl, Connected = n.IsConnected, ProvidedRoots = n.Provided?.Count }))
            .ToList();
        return Results.Json(new ListResponse<ComputeAdmissionView> { Items = items }, ApiJsonContext.Default.ListResponseComputeAdmissionView);
    }

    private static IResult Providers(HttpContext context, string cid)
    {
        var hub = ApiServices.Require<ComputeHub>(context, "compute hub");
        if (!Cairn.Multiformats.Cid.TryParse(cid, out var parsed))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"\"{cid}\" is not a CID.") { Hint = "Give a CID as `cairn add` prints it (bafy... or Qm...)." };
        }

        var key = parsed.ToString();
        var items = hub.Nodes
            .Where(n => n.Provided is { } p && p.ContainsKey(key))
            .Select(n => new ProviderView { NodeID = n.Did, Bytes = n.Provided![key], GatewayUrl = n.GatewayUrl, Connected = n.IsConnected })
            .OrderByDescending(p => p.Connected)
            .ToList();
        return Results.Json(new ListResponse<ProviderView> { Items = items }, ApiJsonContext.Default.ListResponseProviderView);
    }

    private static IResult Decide(HttpContext context, string did, bool approve)
    {
        var hub = ApiServices.Require<ComputeHub>(context, "compute hub");
        if (approve)
        {
            hub.Admission.Approve(did);
        }
        else
        {
            hub.Admission.Reject(did);
        }

        var view = new ComputeAdmissionView { Did = did, Status = approve ? nameof(AdmissionStatus.Admitted).ToLowerInvariant() : nameof(AdmissionStatus.Rejected).ToLowerInvariant() };
        return Results.Json(view, ApiJsonContext.Default.ComputeAdmissionView);
    }
}
