using Cairn.Api.Problems;
using Cairn.ApiModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cairn.Api.Endpoints;

/// <summary>Declares a route's error answers as Cairn's problem shape (with code, hint and spec errors) in the OpenAPI document.</summary>
internal static class ProblemMetadata
{
    public static RouteHandlerBuilder ProducesCairnProblem(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<ProblemView>(status, ProblemMapper.ContentType);
        }

        return builder;
    }
}
