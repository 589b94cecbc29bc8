namespace Cairn.Jobs;

/// <summary>The observed state of a job (see <see cref="JobStateMachine"/> for the legal moves).</summary>
public enum JobState
{
    /// <summary>Accepted and stored; not yet looked at by a scheduler.</summary>
    Pending,

    /// <summary>Waiting for a node that can run it (no node fits, or a retry is backing off).</summary>
    Queued,

    /// <summary>At least one execution is placed or running.</summary>
    Running,

    /// <summary>Finished successfully (terminal).</summary>
    Completed,

    /// <summary>Failed: retries exhausted, a timeout, or no node could ever run it (terminal).</summary>
    Failed,

    /// <summary>Stopped by a user (terminal).</summary>
    Stopped,
}
