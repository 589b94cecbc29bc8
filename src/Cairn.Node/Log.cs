using Microsoft.Extensions.Logging;

namespace Cairn.Node;

/// <summary>The node's log messages (source-generated).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Warning, Message = "The orchestrator's ledger at {Join} cannot be reached ({Reason}): no offer is published, so paid jobs will not be placed here until the node restarts with the orchestrator up.")]
    public static partial void NoOrchestratorLedger(ILogger logger, Uri join, string reason);
}
