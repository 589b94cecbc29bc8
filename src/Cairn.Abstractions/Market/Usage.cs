namespace Cairn.Market;

/// <summary>Metered usage of one execution.</summary>
/// <param name="Fuel">Wasm fuel units consumed.</param>
/// <param name="CpuMillis">CPU milliseconds (containers).</param>
/// <param name="GbMillis">Memory GB-milliseconds (containers).</param>
public sealed record Usage(long Fuel, long CpuMillis, long GbMillis);
