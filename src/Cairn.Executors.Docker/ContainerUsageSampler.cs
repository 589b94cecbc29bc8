using System.Globalization;

namespace Cairn.Executors.Docker;

/// <summary>
/// Meters a running container for billing: its cumulative CPU time and its memory peak. Reads the
/// container's cgroup files directly when the runtime runs on this host (cgroup v1 cpuacct/memory or
/// cgroup v2), else samples the API's stats; either way the figures are those of the last sample
/// before the container ended, so a run shorter than one interval may show less than it used.
/// </summary>
internal sealed class ContainerUsageSampler
{
    private const string CgroupRoot = "/sys/fs/cgroup";

    private readonly DockerApiClient _client;
    private readonly string _id;
    private long _cpuNanos;
    private long _peakMemoryBytes;

    public ContainerUsageSampler(DockerApiClient client, string id)
    {
        _client = client;
        _id = id;
    }

    /// <summary>CPU time used, in nanoseconds (the last sample).</summary>
    public long CpuNanos => Interlocked.Read(ref _cpuNanos);

    /// <summary>The most memory seen in use at once, in bytes.</summary>
    public long PeakMemoryBytes => Interlocked.Read(ref _peakMemoryBytes);

    /// <summary>Where the figures come from: <c>cgroup</c>, <c>stats</c> or <c>none</c> (no sample yet).</summary>
    public string Source { get; private set; } = "none";

    /// <summary>Samples until <paramref name="cancellationToken"/> is cancelled (when the container has ended).</summary>
    public async Task RunAsync(int pid, TimeProvider time, CancellationToken cancellationToken)
    {
        var files = pid > 0 ? CgroupFiles.Find(pid, _id) : null;
        var interval = TimeSpan.FromMilliseconds(files is null ? 500 : 100);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (files is not null && files.TryRead(out var cpu, out var memory))
                {
                    Record(cpu, memory, "cgroup");
                }
                else if (files is null && await _client.StatsAsync(_id, cancellationToken).ConfigureAwait(false) is { } stats)
                {
                    var cpuUsage = stats["cpu_stats"]?["cpu_usage"]?["total_usage"]?.GetValue<long>() ?? 0;
                    var memoryStats = stats["memory_stats"];
                    var used = memoryStats?["max_usage"]?.GetValue<long>() ?? memoryStats?["usage"]?.GetValue<long>() ?? 0;
                    Record(cpuUsage, used, "stats");
                }

                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The container ended: the last sample stands.
        }
        catch (CairnException)
        {
            // The container went away between samples: the last sample stands.
        }
    }

    private void Record(long cpuNanos, long memoryBytes, string source)
    {
        // Both counters only grow; a smaller reading comes from a cgroup being torn down.
        if (cpuNanos > Interlocked.Read(ref _cpuNanos))
        {
            Interlocked.Exchange(ref _cpuNanos, cpuNanos);
        }

        if (memoryBytes > Interlocked.Read(ref _peakMemoryBytes))
        {
            Interlocked.Exchange(ref _peakMemoryBytes, memoryBytes);
        }

        Source = source;
    }

    /// <summary>The container's accounting files, found from its init process's /proc/PID/cgroup.</summary>
    private sealed record CgroupFiles(string CpuFile, bool CpuIsV2, string MemoryFile)
    {
        public static CgroupFiles? Find(int pid, string id)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines($"/proc/{pid}/cgroup");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            string? cpuacct = null, memory = null, unified = null;
            foreach (var line in lines)
            {
                var parts = line.Split(':', 3);
                // The pid may already belong to another process: only a cgroup named after the container counts.
                if (parts.Length != 3 || !parts[2].Contains(id, StringComparison.Ordinal))
                {
                    continue;
                }

                var controllers = parts[1].Split(',');
                if (parts[0] == "0" && parts[1].Length == 0)
                {
                    unified = parts[2];
                }
                else if (controllers.Contains("cpuacct"))
                {
                    cpuacct = Path.Combine(CgroupRoot, parts[1], parts[2].TrimStart('/'));
                }
                else if (controllers.Contains("memory"))
                {
                    memory = Path.Combine(CgroupRoot, parts[1], parts[2].TrimStart('/'));
                }
            }

            if (cpuacct is not null && memory is not null && File.Exists(Path.Combine(cpuacct, "cpuacct.usage")))
            {
                return new CgroupFiles(Path.Combine(cpuacct, "cpuacct.usage"), false, Path.Combine(memory, "memory.max_usage_in_bytes"));
            }

            if (unified is not null)
            {
                var dir = Path.Combine(CgroupRoot, unified.TrimStart('/'));
                var peak = Path.Combine(dir, "memory.peak");
                if (File.Exists(Path.Combine(dir, "cpu.stat")))
                {
                    return new CgroupFiles(Path.Combine(dir, "cpu.stat"), true, File.Exists(peak) ? peak : Path.Combine(dir, "memory.current"));
                }
            }

            return null;
        }

        public bool TryRead(out long cpuNanos, out long memoryBytes)
        {
            cpuNanos = 0;
            memoryBytes = 0;
            try
            {
                if (CpuIsV2)
                {
                    foreach (var line in File.ReadLines(CpuFile))
                    {
                        if (line.StartsWith("usage_usec ", StringComparison.Ordinal))
                        {
                            cpuNanos = long.Parse(line.AsSpan("usage_usec ".Length), CultureInfo.InvariantCulture) * 1000;
                        }
                    }
                }
                else
                {
                    cpuNanos = long.Parse(File.ReadAllText(CpuFile).AsSpan().Trim(), CultureInfo.InvariantCulture);
                }

                memoryBytes = long.Parse(File.ReadAllText(MemoryFile).AsSpan().Trim(), CultureInfo.InvariantCulture);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
            {
                // The cgroup is gone (the container ended) or unreadable.
                return false;
            }
        }
    }
}
