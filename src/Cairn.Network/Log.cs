using Microsoft.Extensions.Logging;

namespace Cairn.Network;

/// <summary>The network's log messages (event ids 7000-7099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Compute node {Did} connected (session {Session}, resumed {Resumed})")]
    public static partial void NodeConnected(ILogger logger, string did, string session, bool resumed);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Refused a compute connection: {Reason}")]
    public static partial void HelloRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Compute node {Did} is {Status}")]
    public static partial void NodeNotAdmitted(ILogger logger, string did, Admission.AdmissionStatus status);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Compute node {Did} lost: silent for {Silence}")]
    public static partial void NodeLost(ILogger logger, string did, TimeSpan silence);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Refused a report from {Did} on execution {Execution}: {Reason}")]
    public static partial void ReportRefused(ILogger logger, string did, string execution, string reason);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Joined orchestrator {Url} (session {Session})")]
    public static partial void Joined(ILogger logger, Uri url, string session);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Connection to {Url} failed or ended: {Reason}; retrying in {Delay}")]
    public static partial void DialFailed(ILogger logger, Uri url, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Orchestrator says this node is {Status}: {Message}")]
    public static partial void NotAdmitted(ILogger logger, string status, string? message);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "The {Type} request failed on this node: {Reason}")]
    public static partial void RequestFailed(ILogger logger, string type, string reason);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Information, Message = "Compute node {Did} disconnected")]
    public static partial void NodeDisconnected(ILogger logger, string did);
}
