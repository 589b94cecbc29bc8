using Cairn.Multiformats;

namespace Cairn.Content.Car;

/// <summary>What a CAR import stored.</summary>
/// <param name="Roots">The roots named by the CAR header.</param>
/// <param name="Blocks">The number of sections (blocks) read and verified.</param>
/// <param name="BlockBytes">Their total size.</param>
/// <param name="Pinned">True when the roots were pinned recursively.</param>
public sealed record CarImportResult(IReadOnlyList<Cid> Roots, long Blocks, long BlockBytes, bool Pinned);
