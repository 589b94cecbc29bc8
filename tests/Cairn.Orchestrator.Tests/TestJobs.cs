using Cairn.Jobs;

namespace Cairn.Orchestrator.Tests;

internal static class TestJobs
{
    public static Job Noop(JobType type = JobType.Batch, int count = 1, Payment? payment = null, Resources? resources = null, Timeouts? timeouts = null, IReadOnlyList<Constraint>? constraints = null, int priority = 0) => new()
    {
        Id = JobId.New(),
        Name = "test",
        Type = type,
        Count = count,
        Priority = priority,
        Payment = payment,
        Constraints = constraints ?? [],
        Tasks =
        [
            new JobTask
            {
                Name = "main",
                Engine = new SpecConfig { Type = "noop" },
                Resources = resources ?? Resources.None,
                Timeouts = timeouts ?? new Timeouts(),
            },
        ],
    };
}
