namespace Cairn.Jobs;

/// <summary>Why an evaluation was created.</summary>
public enum EvaluationTrigger
{
    /// <summary>A job was submitted.</summary>
    JobRegistered,

    /// <summary>A user asked to stop the job.</summary>
    JobStopped,

    /// <summary>A node reported a change in one of the job's executions.</summary>
    ExecutionUpdated,

    /// <summary>A retry's backoff elapsed.</summary>
    RetryBackoff,

    /// <summary>A queue, execution or total timeout fell due.</summary>
    Timeout,

    /// <summary>Nodes joined or left.</summary>
    NodeUpdated,
}
