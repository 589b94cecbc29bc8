using Cairn.Jobs;
using Cairn.Jobs.Compute;

namespace Cairn.Orchestrator.Scheduling;

/// <summary>The compute nodes the orchestrator can place work on.</summary>
public interface INodeDirectory
{
    /// <summary>The nodes connected now.</summary>
    IReadOnlyList<IComputeNode> Nodes { get; }

    /// <summary>The node with this id, or null when it is not connected.</summary>
    IComputeNode? Find(NodeId id);
}
