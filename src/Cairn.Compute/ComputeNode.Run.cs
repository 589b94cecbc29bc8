using Cairn.Jobs;

namespace Cairn.Compute;

public sealed partial class ComputeNode
{
    /// <summary>One execution on this node, from bid acceptance until it has reported its end.</summary>
    private sealed class Run(ExecutionId id, Resources resources, string workDirectory, long maxLogBytes, CancellationTokenSource cancellation)
    {
        public ExecutionId Id { get; } = id;

        public Resources Resources { get; } = resources;

        public string WorkDirectory { get; } = workDirectory;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long MaxLogBytes { get; } = maxLogBytes;

        public LogFile? Stdout { get; set; }

        public LogFile? Stderr { get; set; }

        public Task? Task { get; set; }

        public string? CancelReason { get; set; }

        /// <summary>Completed when the task has stopped writing logs.</summary>
        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completed and replaced whenever either log grows or the run ends, to wake followers.</summary>
        public Task Changed => Volatile.Read(ref _changed).Task;

        public void Signal() =>
            Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
