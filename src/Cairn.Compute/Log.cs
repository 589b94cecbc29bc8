using Cairn.Jobs;
using Microsoft.Extensions.Logging;

namespace Cairn.Compute;

/// <summary>The compute node's log messages (event ids 6000-6099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Execution {Execution} started ({Engine})")]
    public static partial void ExecutionStarted(ILogger logger, ExecutionId execution, string engine);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Execution {Execution} ended as {State}: {Message}")]
    public static partial void ExecutionEnded(ILogger logger, ExecutionId execution, ExecutionState state, string? message);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Reporting {State} of execution {Execution} failed (attempt {Attempt}): {Reason}")]
    public static partial void ReportRetry(ILogger logger, ExecutionId execution, ExecutionState state, int attempt, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Gave up reporting {State} of execution {Execution}")]
    public static partial void ReportGaveUp(ILogger logger, Exception exception, ExecutionId execution, ExecutionState state);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "Execution {Execution} hit an unexpected error")]
    public static partial void ExecutionCrashed(ILogger logger, Exception exception, ExecutionId execution);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Could not delete the work directory {Path}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "Offer {Offer} published by {Account} in {Tx}")]
    public static partial void OfferPublished(ILogger logger, string offer, string account, string tx);

    [LoggerMessage(EventId = 6050, Level = LogLevel.Information, Message = "Fetched input {Cid}: {Blocks} blocks, {Bytes} bytes from peers {Peers}")]
    private static partial void InputFetched(ILogger logger, Multiformats.Cid cid, long blocks, long bytes, string peers);

    /// <summary>Logs a fetch, formatting its peers only when the line is written.</summary>
    public static void InputFetched(ILogger logger, Content.Exchange.FetchResult result)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var peers = string.Join(", ", result.Peers.Select(p => p.Failure is null ? p.Peer.ToString() : $"{p.Peer} ({p.Failure})"));
            InputFetched(logger, result.Root, result.BlocksFetched, result.BytesFetched, peers);
        }
    }
}
