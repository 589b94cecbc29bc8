using Cairn.Jobs;
using Microsoft.Extensions.Logging;

namespace Cairn.Orchestrator;

/// <summary>The orchestrator's log messages (event ids 5000-5099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Debug, Message = "Evaluation {Evaluation} of job {Job} ({Trigger}) processed by {Worker}")]
    public static partial void EvaluationProcessed(ILogger logger, EvaluationId evaluation, JobId job, EvaluationTrigger trigger, string worker);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Evaluation {Evaluation} of job {Job} failed on attempt {Attempt}: {Reason}")]
    public static partial void EvaluationFailed(ILogger logger, EvaluationId evaluation, JobId job, int attempt, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Evaluation {Evaluation} of job {Job} hit an unexpected error")]
    public static partial void EvaluationCrashed(ILogger logger, Exception exception, EvaluationId evaluation, JobId job);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Job {Job} failed: its evaluation {Evaluation} gave up after {Attempts} attempts")]
    public static partial void EvaluationGaveUp(ILogger logger, JobId job, EvaluationId evaluation, int attempts);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Worker {Worker} could not use the job store: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string worker, string reason);

    [LoggerMessage(EventId = 5050, Level = LogLevel.Information, Message = "Replica of {Cid} pinned on {Node} ({Bytes} bytes, {Fetched} fetched)")]
    public static partial void ReplicaPinned(ILogger logger, string cid, string node, long bytes, long fetched);

    [LoggerMessage(EventId = 5051, Level = LogLevel.Warning, Message = "Replica of {Cid} could not be pinned on {Node}: {Reason}")]
    public static partial void ReplicaPinFailed(ILogger logger, string cid, string node, string reason);

    [LoggerMessage(EventId = 5052, Level = LogLevel.Warning, Message = "Replica of {Cid} on {Node} is lost: {Reason}")]
    public static partial void ReplicaLost(ILogger logger, string cid, string node, string reason);

    [LoggerMessage(EventId = 5053, Level = LogLevel.Information, Message = "Replica of {Cid} on {Node} dropped: {Reason}")]
    public static partial void ReplicaDropped(ILogger logger, string cid, string node, string reason);

    [LoggerMessage(EventId = 5054, Level = LogLevel.Error, Message = "A replication round failed")]
    public static partial void ReplicationRoundFailed(ILogger logger, Exception exception);
}
