namespace Cairn.Content.Car;

/// <summary>What a CAR export wrote.</summary>
/// <param name="Blocks">The number of blocks (sections) written.</param>
/// <param name="BlockBytes">The bytes of those blocks.</param>
/// <param name="CarBytes">The size of the CAR stream written, header included.</param>
public sealed record CarExportResult(long Blocks, long BlockBytes, long CarBytes);
