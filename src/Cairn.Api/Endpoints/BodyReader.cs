using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cairn.Api.Endpoints;

/// <summary>Reads JSON request bodies with the API's own errors (the middleware turns JsonException into a 400 that says where).</summary>
internal static class BodyReader
{
    public static async Task<T> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var options = context.RequestServices.GetRequiredService<IOptions<CairnApiOptions>>().Value;
        if (context.Request.ContentLength > options.MaxRequestBodyBytes)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The request body is {context.Request.ContentLength} bytes; the limit is {options.MaxRequestBodyBytes}.") { Hint = "Add large inputs to the content store and name them by CID." };
        }

        if (context.Request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The request body is {type}, not JSON.") { Hint = "Send Content-Type: application/json." };
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length > options.MaxRequestBodyBytes)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The request body is larger than {options.MaxRequestBodyBytes} bytes.");
        }

        if (buffer.Length == 0)
        {
            throw new CairnException(ErrorCode.InvalidInput, "The request body is empty.") { Hint = "Send a JSON object; see /api/v1/openapi.json for its fields." };
        }

        return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo)
            ?? throw new CairnException(ErrorCode.InvalidInput, "The request body is null; a JSON object was expected.");
    }
}
