using Cairn.Api.Problems;
using System.Text.Json.Serialization;
using Cairn.ApiModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.Api;

/// <summary>Registers the REST API's services.</summary>
public static class CairnApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds what the API needs besides the parts it serves: JSON bodies through
    /// <see cref="ApiJsonContext"/>, the OpenAPI document, WebSockets and the problem-details layer
    /// (at the front of the pipeline). The parts themselves come from DI when a request needs them:
    /// <c>IJobStore</c>, <c>JobOrchestrator</c> and optionally <c>JobSpecValidator</c>,
    /// <c>INodeDirectory</c>, <c>ILedger</c>, <c>IExecutionLogs</c>, and <c>IBlockStore</c> or
    /// <c>ContentRepo</c>; a missing optional part answers 503.
    /// </summary>
    public static IServiceCollection AddCairnApi(this IServiceCollection services, Action<CairnApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CairnApiOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.ConfigureHttpJsonOptions(o =>
        {
            // The same shapes as ApiJsonContext writes, so the OpenAPI schemas (made from these
            // options) name the fields as the bodies do: PascalCase, numbers as numbers.
            o.SerializerOptions.PropertyNamingPolicy = null;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });
        services.AddOpenApi(ApiRoutes.OpenApiDocumentName, o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Cairn node API";
            document.Info.Version = typeof(CairnApiServiceCollectionExtensions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            document.Info.Description = "Jobs (shaped after Bacalhau's API), nodes, the ledger, content and the trustless gateway. Errors are RFC 7807 problems with code, hint and spec errors.";
            return Task.CompletedTask;
        }));
        services.AddSingleton<IStartupFilter, ApiStartupFilter>();
        return services;
    }

    private sealed class ApiStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<ProblemMiddleware>();
            app.UseWebSockets();
            next(app);
        };
    }
}
