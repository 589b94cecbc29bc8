using Cairn.ApiModels;
using Cairn.Jobs.Specs;

namespace Cairn.Client;

/// <summary>Rebuilds the exception an RFC 7807 problem from a Cairn node describes.</summary>
public static class ProblemConverter
{
    /// <summary>The exception: a <see cref="JobSpecException"/> when the problem lists spec errors, else a <see cref="CairnException"/> with the problem's code and hint.</summary>
    public static CairnException ToException(ProblemView problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Errors is { Count: > 0 } errors)
        {
            return new JobSpecException(errors.Select(e => e.ToSpecError()).ToList());
        }

        var code = Enum.TryParse<ErrorCode>(problem.Code, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : CodeFor(problem.Status);
        return new CairnException(code, problem.Detail ?? problem.Title ?? $"HTTP {problem.Status}") { Hint = problem.Hint };
    }

    /// <summary>The error code an HTTP status means when the body does not say (a proxy's answer, say).</summary>
    public static ErrorCode CodeFor(int status) => status switch
    {
        400 => ErrorCode.InvalidArgument,
        404 or 405 => ErrorCode.NotFound,
        409 => ErrorCode.Conflict,
        413 or 415 or 422 => ErrorCode.InvalidInput,
        501 => ErrorCode.Unsupported,
        502 or 503 => ErrorCode.ServiceUnavailable,
        504 => ErrorCode.Timeout,
        _ => ErrorCode.Internal,
    };
}
