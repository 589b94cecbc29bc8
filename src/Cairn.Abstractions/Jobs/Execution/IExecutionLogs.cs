namespace Cairn.Jobs.Execution;

/// <summary>The captured standard output and error of executions, live while they run (the API's log stream).</summary>
public interface IExecutionLogs
{
    /// <summary>
    /// The execution's output from its start: everything captured so far, then (with
    /// <paramref name="follow"/>) new output as it comes, ending when the execution ends.
    /// Throws <see cref="CairnException"/> (<see cref="ErrorCode.NotFound"/>) for an execution this node never ran.
    /// </summary>
    IAsyncEnumerable<LogChunk> ReadAsync(ExecutionId executionId, bool follow, CancellationToken cancellationToken);
}
