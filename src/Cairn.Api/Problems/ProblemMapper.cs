using Cairn.ApiModels;
using Cairn.Jobs.Specs;
using Microsoft.AspNetCore.Http;

namespace Cairn.Api.Problems;

/// <summary>Turns Cairn's error codes into HTTP statuses and RFC 7807 problems, and back.</summary>
public static class ProblemMapper
{
    /// <summary>The media type of every error body.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>The HTTP status an error code is answered with.</summary>
    public static int StatusFor(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument or ErrorCode.InvalidInput => StatusCodes.Status400BadRequest,
        ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.Conflict => StatusCodes.Status409Conflict,
        ErrorCode.IntegrityViolation => StatusCodes.Status422UnprocessableEntity,
        ErrorCode.Unsupported => StatusCodes.Status501NotImplemented,
        ErrorCode.ServiceUnavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCode.Timeout => StatusCodes.Status504GatewayTimeout,
        ErrorCode.IoError => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The problem describing <paramref name="exception"/>.</summary>
    public static ProblemView From(CairnException exception, string? instance)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var status = StatusFor(exception.Code);
        return new ProblemView
        {
            Type = "https://cairn.dev/errors/" + exception.Code.ToString().ToLowerInvariant(),
            Title = TitleFor(exception.Code),
            Status = status,
            Detail = exception.Message,
            Instance = instance,
            Code = exception.Code.ToString(),
            Hint = exception.Hint,
            Errors = (exception as JobSpecException)?.Errors.Select(SpecErrorView.From).ToList(),
        };
    }

    private static string TitleFor(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument => "Invalid argument",
        ErrorCode.InvalidInput => "Invalid input",
        ErrorCode.NotFound => "Not found",
        ErrorCode.Conflict => "Conflict",
        ErrorCode.IntegrityViolation => "Integrity violation",
        ErrorCode.Unsupported => "Unsupported",
        ErrorCode.ServiceUnavailable => "Service unavailable",
        ErrorCode.Timeout => "Timeout",
        ErrorCode.IoError => "I/O error",
        _ => "Internal error",
    };
}
