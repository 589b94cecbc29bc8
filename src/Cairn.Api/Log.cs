using Microsoft.Extensions.Logging;

namespace Cairn.Api;

/// <summary>The API's log messages (event ids 6000-6099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "{Method} {Path} failed: {Code}: {Message}")]
    public static partial void RequestFailed(ILogger logger, string method, Microsoft.AspNetCore.Http.PathString path, ErrorCode code, string message);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly")]
    public static partial void UnhandledError(ILogger logger, string method, Microsoft.AspNetCore.Http.PathString path, Exception exception);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "Log stream for {Job} ended: {Reason}")]
    public static partial void LogStreamEnded(ILogger logger, string job, string reason);
}
