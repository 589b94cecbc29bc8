using Cairn.Jobs;
using Cairn.Network;
using Cairn.Orchestrator;
using Cairn.Orchestrator.Scheduling;

namespace Cairn.Node;

/// <summary>Puts remote compute nodes in the orchestrator's node directory and takes lost ones out, so the scheduler sees them.</summary>
internal sealed class DirectorySink(InMemoryNodeDirectory directory, JobOrchestrator orchestrator, WorkerPool workers) : IRemoteNodeSink
{
    public async Task NodeReadyAsync(RemoteComputeNode node, bool restarted, CancellationToken cancellationToken)
    {
        if (restarted)
        {
            // Its reports from before the restart were replayed first; whatever is still live on it died with
            // the old process: fail those executions and look at their jobs again.
            await orchestrator.RecoverNodeAsync(node.Id, cancellationToken);
        }

        directory.Add(node);
        workers.Pulse();
    }

    public async Task NodeLostAsync(NodeId id, CancellationToken cancellationToken)
    {
        directory.Remove(id);

        // Queue a look at every unfinished job: the scheduler fails the executions on a node no longer in the
        // directory and places them elsewhere. A late report from the node then finds them ended and changes nothing.
        await orchestrator.RecoverAsync([], cancellationToken);
        workers.Pulse();
    }
}
