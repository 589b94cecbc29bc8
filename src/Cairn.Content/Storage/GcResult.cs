using Cairn.Multiformats;

namespace Cairn.Content.Storage;

/// <summary>What a garbage collection did.</summary>
/// <param name="Removed">The removed blocks, as raw CIDv1s over their multihashes (the store keys by multihash).</param>
/// <param name="RemovedBytes">The bytes they held.</param>
/// <param name="KeptBlocks">Blocks still present: reachable from a recursive pin or directly pinned.</param>
/// <param name="RemovedTempFiles">Stale temp files of dead writers that were removed.</param>
public sealed record GcResult(IReadOnlyList<Cid> Removed, long RemovedBytes, long KeptBlocks, int RemovedTempFiles)
{
    /// <summary>The number of removed blocks.</summary>
    public int RemovedBlocks => Removed.Count;
}
