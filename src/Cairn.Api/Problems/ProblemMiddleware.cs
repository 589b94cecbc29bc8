using System.Text.Json;
using Cairn.ApiModels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cairn.Api.Problems;

/// <summary>
/// The API's outermost layer: every failure leaves as an RFC 7807 problem. A CairnException keeps
/// its code, message and hint; malformed bodies are 400; a route nobody maps is a 404 problem;
/// anything unexpected is logged and answered with a 500 that says nothing of the internals
/// (no stack traces leave the node).
/// </summary>
internal sealed class ProblemMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<ProblemMiddleware> _logger;

    public ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context);
            // Routing answers an unknown route (404) or method (405) with an empty body: give it a problem too.
            if (context.Response is { HasStarted: false, StatusCode: 404 or 405, ContentType: null })
            {
                var exception = context.Response.StatusCode == 404
                    ? new CairnException(ErrorCode.NotFound, $"No API route matches {context.Request.Method} {context.Request.Path}.") { Hint = "The routes are listed in /api/v1/openapi.json." }
                    : new CairnException(ErrorCode.InvalidArgument, $"{context.Request.Method} is not allowed on {context.Request.Path}.") { Hint = $"It takes {context.Response.Headers.Allow}." };
                await WriteAsync(context, exception, context.Response.StatusCode);
            }
        }
        catch (CairnException e)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                Log.RequestFailed(_logger, context.Request.Method, context.Request.Path, e.Code, e.Message);
            }

            await WriteOrAbortAsync(context, e);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : string.Empty;
            await WriteOrAbortAsync(context, new CairnException(ErrorCode.InvalidInput, $"The request body is not valid JSON{where}{(e.Path is { Length: > 1 } path ? $" (at {path})" : string.Empty)}.") { Hint = "Send a JSON object; see /api/v1/openapi.json for its fields." });
        }
        catch (BadHttpRequestException e)
        {
            await WriteOrAbortAsync(context, new CairnException(e.StatusCode == 413 ? ErrorCode.InvalidInput : ErrorCode.InvalidArgument, e.Message), e.StatusCode);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer.
        }
        catch (Exception e)
        {
            // The host's outermost handler: log everything, show nothing internal.
            Log.UnhandledError(_logger, context.Request.Method, context.Request.Path, e);
            await WriteOrAbortAsync(context, new CairnException(ErrorCode.Internal, "The node failed to handle the request; its log has the details.") { Hint = "Report it with the node's log if it persists." });
        }
    }

    private static async Task WriteOrAbortAsync(HttpContext context, CairnException exception, int? status = null)
    {
        if (context.Response.HasStarted)
        {
            // Mid-stream (a CAR, a file): cut the connection so the client sees a truncated body, never a "complete" wrong one.
            context.Abort();
            return;
        }

        await WriteAsync(context, exception, status);
    }

    internal static async Task WriteAsync(HttpContext context, CairnException exception, int? status = null)
    {
        var problem = ProblemMapper.From(exception, context.Request.Path);
        if (status is { } s)
        {
            problem = problem with { Status = s };
        }

        var allow = context.Response.Headers.Allow;
        context.Response.Clear();
        if (allow.Count > 0)
        {
            context.Response.Headers.Allow = allow;
        }

        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = ProblemMapper.ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, ApiJsonContext.Default.ProblemView, context.RequestAborted);
    }
}
