namespace Cairn.Market;

/// <summary>Resources an offer provides.</summary>
/// <param name="CpuMillis">CPU in millicores.</param>
/// <param name="MemoryBytes">Memory in bytes.</param>
/// <param name="DiskBytes">Disk in bytes.</param>
/// <param name="Gpu">Number of GPUs.</param>
public sealed record ResourceAmounts(long CpuMillis, long MemoryBytes, long DiskBytes, long Gpu);
