namespace Cairn.Jobs;

/// <summary>What the orchestrator wants of an execution; the node reports the observed <see cref="ExecutionState"/>.</summary>
public enum ExecutionDesiredState
{
    /// <summary>Created, not yet to be started (waiting for a bid to be accepted).</summary>
    Pending,

    /// <summary>Should run to completion (batch, ops) or keep running (daemon, service).</summary>
    Running,

    /// <summary>Should stop: the node must cancel it if it is still running.</summary>
    Stopped,
}
