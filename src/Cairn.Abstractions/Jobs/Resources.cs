namespace Cairn.Jobs;

/// <summary>
/// Resources a task asks for, or a node has. Zero means "not specified" in a request.
/// Specs write them like Bacalhau (<c>CPU: 500m</c>, <c>Memory: 512Mb</c>); see <see cref="ResourceQuantity"/>.
/// </summary>
public sealed record Resources
{
    /// <summary>No resources.</summary>
    public static Resources None { get; } = new();

    /// <summary>CPU in millicores (1000 = one core).</summary>
    public long CpuMillis { get; init; }

    /// <summary>Memory in bytes.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Disk in bytes.</summary>
    public long DiskBytes { get; init; }

    /// <summary>Number of GPUs.</summary>
    public int Gpu { get; init; }

    /// <summary>True when every quantity of <paramref name="request"/> fits in this one.</summary>
    public bool Fits(Resources request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.CpuMillis <= CpuMillis && request.MemoryBytes <= MemoryBytes
            && request.DiskBytes <= DiskBytes && request.Gpu <= Gpu;
    }

    /// <summary>These resources less <paramref name="other"/>, floored at zero.</summary>
    public Resources Subtract(Resources other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new()
        {
            CpuMillis = Math.Max(0, CpuMillis - other.CpuMillis),
            MemoryBytes = Math.Max(0, MemoryBytes - other.MemoryBytes),
            DiskBytes = Math.Max(0, DiskBytes - other.DiskBytes),
            Gpu = Math.Max(0, Gpu - other.Gpu),
        };
    }

    /// <summary>The sum of these resources and <paramref name="other"/>.</summary>
    public Resources Add(Resources other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new()
        {
            CpuMillis = CpuMillis + other.CpuMillis,
            MemoryBytes = MemoryBytes + other.MemoryBytes,
            DiskBytes = DiskBytes + other.DiskBytes,
            Gpu = Gpu + other.Gpu,
        };
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"cpu={ResourceQuantity.FormatCpu(CpuMillis)} memory={ResourceQuantity.FormatBytes(MemoryBytes)} disk={ResourceQuantity.FormatBytes(DiskBytes)} gpu={Gpu}";
}
