namespace Cairn.Orchestrator.Scheduling;

/// <summary>Tuning of the scheduler and its evaluation workers.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Failed executions a job may have before it fails (batch: in total; ops/daemon: per node).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The wait before the first retry; doubled for each further failure.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries.</summary>
    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a node may take to report an accepted execution running before it is failed.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a job that no node can take is looked at again.</summary>
    public TimeSpan QueueRecheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a worker holds an evaluation before another may reclaim it.</summary>
    public TimeSpan EvaluationLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Claims of one evaluation before it is marked failed.</summary>
    public int EvaluationMaxAttempts { get; init; } = 5;

    /// <summary>
    /// After this scheduler starts, how long executions on nodes not in the directory are left alone
    /// instead of failed: remote nodes dial in again after an orchestrator restart, and their executions
    /// live on (null: none, an absent node's executions fail at once).
    /// </summary>
    public TimeSpan? ReconnectGrace { get; init; }

    /// <summary>How long an idle worker waits before looking at the queue again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Execution timeout for tasks that set none (null: none).</summary>
    public TimeSpan? DefaultExecutionTimeout { get; init; }

    /// <summary>Queue timeout for tasks that set none (null: none).</summary>
    public TimeSpan? DefaultQueueTimeout { get; init; }

    /// <summary>Total timeout for tasks that set none (null: none).</summary>
    public TimeSpan? DefaultTotalTimeout { get; init; }

    /// <summary>The wait before retry number <paramref name="failures"/> (1-based).</summary>
    public TimeSpan BackoffFor(int failures)
    {
        var ticks = RetryBackoff.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        return ticks >= RetryBackoffMax.Ticks ? RetryBackoffMax : TimeSpan.FromTicks((long)ticks);
    }
}
