namespace Cairn.Api;

/// <summary>The API's route prefixes.</summary>
public static class ApiRoutes
{
    /// <summary>Everything versioned lives under this.</summary>
    public const string V1 = "/api/v1";

    /// <summary>Where the OpenAPI document is served.</summary>
    public const string OpenApiDocument = "/api/v1/openapi.json";

    /// <summary>The OpenAPI document's name.</summary>
    public const string OpenApiDocumentName = "v1";
}
