using Cairn.Api.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Api;

/// <summary>Maps the REST API's routes.</summary>
public static class CairnApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/api/v1/orchestrator/...</c>, <c>/api/v1/agent/...</c>, <c>/api/v1/ledger/...</c>,
    /// <c>/api/v1/replicas</c>, <c>/api/v1/content/...</c>, the trustless gateway <c>/ipfs/...</c> and the OpenAPI document
    /// at <c>/api/v1/openapi.json</c>. Call <see cref="CairnApiServiceCollectionExtensions.AddCairnApi"/> first.
    /// </summary>
    public static IEndpointRouteBuilder MapCairnApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        JobEndpoints.Map(endpoints);
        AgentEndpoints.Map(endpoints);
        LedgerEndpoints.Map(endpoints);
        ContentEndpoints.Map(endpoints);
        ComputeEndpoints.Map(endpoints);
        ReplicaEndpoints.Map(endpoints);
        endpoints.MapOpenApi(ApiRoutes.OpenApiDocument);
        return endpoints;
    }

    /// <summary>
    /// Maps only what a compute-only node (<c>cairn serve --join</c>) serves: <c>/api/v1/content/...</c>, the
    /// trustless gateway <c>/ipfs/...</c> (so peers fetch its blocks) and <c>/api/v1/agent/alive|version</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapCairnContentApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ContentEndpoints.Map(endpoints);
        AgentEndpoints.Map(endpoints);
        return endpoints;
    }
}
