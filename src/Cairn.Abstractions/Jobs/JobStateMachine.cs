namespace Cairn.Jobs;

/// <summary>The legal transitions between <see cref="JobState"/>s.</summary>
public static class JobStateMachine
{
    /// <summary>True for the states a job never leaves.</summary>
    public static bool IsTerminal(JobState state) => state is JobState.Completed or JobState.Failed or JobState.Stopped;

    /// <summary>True when a job may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanTransition(JobState from, JobState to) => from switch
    {
        JobState.Pending => to is JobState.Queued or JobState.Running or JobState.Completed or JobState.Failed or JobState.Stopped,
        JobState.Queued => to is JobState.Running or JobState.Completed or JobState.Failed or JobState.Stopped,

        // A long-running job whose nodes all went away waits in the queue again.
        JobState.Running => to is JobState.Queued or JobState.Completed or JobState.Failed or JobState.Stopped,
        _ => false,
    };

    /// <summary>Throws <see cref="CairnException"/> (<see cref="ErrorCode.Conflict"/>) when the move is illegal.</summary>
    public static void EnsureTransition(JobId job, JobState from, JobState to)
    {
        if (!CanTransition(from, to))
        {
            throw new CairnException(ErrorCode.Conflict, $"Job {job} cannot move from {from} to {to}.")
            {
                Hint = IsTerminal(from) ? $"The job is already {from}; submit it again to rerun it." : null,
            };
        }
    }
}
