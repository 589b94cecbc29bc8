using Cairn.Api.Problems;
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

        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.AddOpenApi(ApiRoutes.OpenApiDocumentName);
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
