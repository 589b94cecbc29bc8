using Cairn.Jobs;

namespace Cairn.Network;

/// <summary>Where the orchestrator's <see cref="ComputeHub"/> announces remote nodes (the composition root puts them in the node directory).</summary>
public interface IRemoteNodeSink
{
    /// <summary>
    /// A node finished its (re)connect and replay and can take work. <paramref name="restarted"/>: its process is
    /// new since the orchestrator last saw it, so executions it had are gone (their reports were replayed first).
    /// </summary>
    Task NodeReadyAsync(RemoteComputeNode node, bool restarted, CancellationToken cancellationToken);

    /// <summary>A node was silent past the lost timeout: it is dropped and its executions are to be rescheduled.</summary>
    Task NodeLostAsync(NodeId id, CancellationToken cancellationToken);
}
