using Cairn.ApiModels;
using Cairn.Multiformats;
using Cairn.Orchestrator.Replication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Api.Endpoints;

/// <summary>
/// <c>/api/v1/replicas</c>: replicated pins (storage automation). The orchestrator keeps N copies of a
/// DAG across its compute nodes and replaces the copies of lost nodes (docs/replication.md).
/// </summary>
internal static class ReplicaEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var replicas = endpoints.MapGroup(ApiRoutes.V1 + "/replicas").WithTags("Replicas");
        replicas.MapPost("/", (Delegate)AddAsync)
            .Accepts<PinReplicasRequest>("application/json")
            .Produces<ReplicaView>()
            .ProducesCairnProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Keep N copies of a CID across the nodes (adds the pin or changes its count)");
        replicas.MapGet("/", (Delegate)ListAsync).Produces<ListResponse<ReplicaView>>().WithSummary("Every replicated pin and its holders");
        replicas.MapGet("/{cid}", GetAsync).Produces<ReplicaView>().ProducesCairnProblem(StatusCodes.Status404NotFound).WithSummary("A replicated pin: copies wanted, holders, repair status");
        replicas.MapDelete("/{cid}", RemoveAsync).Produces<ReplicaView>().ProducesCairnProblem(StatusCodes.Status404NotFound).WithSummary("Stop replicating a CID; connected holders drop their replica pins");
    }

    private static ReplicationManager Manager(HttpContext context) =>
        ApiServices.Require<ReplicationManager>(context, "replication (an orchestrator keeps replicated pins; a compute-only node does not)");

    private static async Task<IResult> AddAsync(HttpContext context)
    {
        var request = await BodyReader.ReadJsonAsync(context, ApiJsonContext.Default.PinReplicasRequest);
        var cid = ParseCid(request.Cid, "Cid");
        var view = await Manager(context).AddAsync(cid, request.Replicas, request.Name, context.RequestAborted);
        return Results.Json(view, ApiJsonContext.Default.ReplicaView);
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var items = await Manager(context).ListAsync(context.RequestAborted);
        return Results.Json(new ListResponse<ReplicaView> { Items = items }, ApiJsonContext.Default.ListResponseReplicaView);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string cid)
    {
        var view = await Manager(context).GetAsync(ParseCid(cid, "cid"), context.RequestAborted) ?? throw NotReplicated(cid);
        return Results.Json(view, ApiJsonContext.Default.ReplicaView);
    }

    private static async Task<IResult> RemoveAsync(HttpContext context, string cid)
    {
        var view = await Manager(context).RemoveAsync(ParseCid(cid, "cid"), context.RequestAborted) ?? throw NotReplicated(cid);
        return Results.Json(view, ApiJsonContext.Default.ReplicaView);
    }

    private static Cid ParseCid(string? text, string field) =>
        Cid.TryParse(text, out var cid)
            ? cid
            : throw new CairnException(ErrorCode.InvalidArgument, $"{field}: \"{text}\" is not a CID.") { Hint = "Give a CID as `cairn add` prints it (bafy... or Qm...)." };

    private static CairnException NotReplicated(string cid) =>
        new(ErrorCode.NotFound, $"{cid} is not a replicated pin here.") { Hint = "`cairn pin status` lists the replicated pins; `cairn pin add CID --replicas N` adds one." };
}
