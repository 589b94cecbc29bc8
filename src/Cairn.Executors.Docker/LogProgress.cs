using Cairn.Jobs.Execution;

namespace Cairn.Executors.Docker;

/// <summary>How many bytes of a container's stdout and stderr have been delivered so far (updated as they are).</summary>
internal sealed class LogProgress
{
    private long _stdout;
    private long _stderr;

    public long Stdout => Interlocked.Read(ref _stdout);

    public long Stderr => Interlocked.Read(ref _stderr);

    public void Add(LogSource source, long bytes)
    {
        if (source == LogSource.Stdout)
        {
            Interlocked.Add(ref _stdout, bytes);
        }
        else
        {
            Interlocked.Add(ref _stderr, bytes);
        }
    }
}
