using Cairn.Executors.Docker.Tests.Podman;

namespace Cairn.Compute.Tests.Conformance;

// The executor conformance suite is compiled into this assembly: its facts skip where podman cannot run.
public sealed partial class ConformanceFactAttribute
{
    static partial void SkipReason(ref string? reason) => reason = PodmanService.SkipReason;
}
