namespace Cairn.Jobs;

/// <summary>
/// The observed state of an execution (one attempt of a job on one node). See
/// <see cref="ExecutionStateMachine"/> for the legal moves.
/// </summary>
public enum ExecutionState
{
    /// <summary>Created by a scheduler; the node has not been asked yet.</summary>
    New,

    /// <summary>The node has been asked whether it will run the execution.</summary>
    AskForBid,

    /// <summary>The node bid and the orchestrator accepted the bid; the node is preparing to run.</summary>
    BidAccepted,

    /// <summary>The node declined to run the execution (terminal).</summary>
    BidRejected,

    /// <summary>The executor is running the task.</summary>
    Running,

    /// <summary>The task finished; its results are being published to the content store.</summary>
    Publishing,

    /// <summary>Finished and published (terminal).</summary>
    Completed,

    /// <summary>Failed: non-zero exit, trap, timeout, lost node... (terminal).</summary>
    Failed,

    /// <summary>Stopped by the orchestrator: the job was stopped or the execution is no longer wanted (terminal).</summary>
    Cancelled,
}
