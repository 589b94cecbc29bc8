namespace Cairn.Market;

/// <summary>Prices per unit of metered usage, in the smallest currency unit.</summary>
/// <param name="PerMegaFuel">Per million Wasm fuel units.</param>
/// <param name="PerCpuSecond">Per CPU-second (containers).</param>
/// <param name="PerGbSecond">Per GB-second of memory (containers).</param>
public sealed record UsagePrices(long PerMegaFuel, long PerCpuSecond, long PerGbSecond);
