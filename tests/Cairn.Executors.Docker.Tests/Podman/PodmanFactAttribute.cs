namespace Cairn.Executors.Docker.Tests.Podman;

/// <summary>A fact that needs the podman service: reported skipped, with the reason, where it cannot run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PodmanFactAttribute : FactAttribute
{
    /// <summary>Computes the skip at discovery (which starts the service once per test run).</summary>
    public PodmanFactAttribute()
    {
        if (PodmanService.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
