using System.Text.Json;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Api.Tests;

public sealed class OpenApiTests
{
    private static CancellationToken Ct => TestContext.Current;

    [Fact(Timeout = 60_000)]
    public async Task OpenApiDocument_ListsEveryMappedRoute()
    {
        await using var host = await ApiHost.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var docText = await http.GetStringAsync("api/v1/openapi.json", Ct);
        
        using var doc = JsonDocument.Parse(docText);
        var paths = doc.RootElement.GetProperty("paths");
        var documented = paths.EnumerateObject().ToDictionary(
            p => p.Name.TrimEnd('/'),
            p => p.Value.EnumerateObject().Select(m => m.Name.ToUpperInvariant()).ToHashSet(),
            StringComparer.Ordinal);

        var routes = host.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != Cairn.Api.ApiRoutes.OpenApiDocument)
            .ToList();
        Assert.True(routes.Count >= 20, $"only {routes.Count} routes mapped");
        foreach (var route in routes)
        {
            var pattern = "/" + route.RoutePattern.RawText!.Trim('/').Replace("{**", "{", StringComparison.Ordinal);
            Assert.True(documented.TryGetValue(pattern.TrimEnd('/'), out var methods), $"{pattern} is not in the OpenAPI document (it has {string.Join(", ", documented.Keys)})");
            foreach (var method in route.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                Assert.Contains(method, methods);
            }
        }
    }
}
