namespace Cairn.Jobs.Compute;

/// <summary>
/// A node's provider records: the root CIDs whose whole DAG it holds (its recursive pins, and the
/// inputs it fetched lately) with their sizes. A compute node on another machine announces them to
/// its orchestrator, which then knows who has what without asking (data locality, fetch order).
/// </summary>
public interface IProvidedRoots
{
    /// <summary>The roots held now, each with the bytes of its DAG.</summary>
    Task<IReadOnlyList<ProvidedRoot>> GetProvidedRootsAsync(CancellationToken cancellationToken = default);
}
