namespace Cairn.Jobs;

/// <summary>How a job's executions are scheduled (Bacalhau's job types).</summary>
public enum JobType
{
    /// <summary>Run <see cref="Job.Count"/> executions to completion.</summary>
    Batch,

    /// <summary>Run one execution to completion on every node that matches the constraints.</summary>
    Ops,

    /// <summary>Keep one execution running on every matching node; replace failed ones.</summary>
    Daemon,

    /// <summary>Keep <see cref="Job.Count"/> executions running; replace failed ones.</summary>
    Service,
}
