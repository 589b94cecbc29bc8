using System.Collections.Immutable;
using Cairn.Jobs;
using Cairn.Jobs.Compute;

namespace Cairn.Orchestrator.Scheduling;

/// <summary>A node directory held in memory: the embedded node registers its own compute node here.</summary>
public sealed class InMemoryNodeDirectory : INodeDirectory
{
    private ImmutableArray<IComputeNode> _nodes = [];

    /// <inheritdoc />
    public IReadOnlyList<IComputeNode> Nodes => _nodes;

    /// <summary>Adds (or replaces, by id) a node.</summary>
    public void Add(IComputeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ImmutableInterlocked.Update(ref _nodes, nodes => nodes.RemoveAll(n => n.Id == node.Id).Add(node));
    }

    /// <summary>Removes a node; false when it was not there.</summary>
    public bool Remove(NodeId id)
    {
        var removed = false;
        ImmutableInterlocked.Update(ref _nodes, nodes =>
        {
            var after = nodes.RemoveAll(n => n.Id == id);
            removed = after.Length != nodes.Length;
            return after;
        });
        return removed;
    }

    /// <inheritdoc />
    public IComputeNode? Find(NodeId id) => _nodes.FirstOrDefault(n => n.Id == id);
}
