using System.Collections.Concurrent;
using Cairn.Jobs;
using Cairn.Jobs.Compute;

namespace Cairn.Compute.Tests;

/// <summary>
/// A real in-process <see cref="IComputeCallback"/> that records every report, as the orchestrator
/// receives them; it can refuse its first calls to exercise the node's retries.
/// </summary>
internal sealed class RecordingCallback(int failFirst = 0) : IComputeCallback
{
    private readonly ConcurrentQueue<ExecutionReport> _reports = new();
    private readonly ConcurrentDictionary<(ExecutionId, ExecutionState), TaskCompletionSource<ExecutionReport>> _waits = new();
    private int _failuresLeft = failFirst;

    private int _refused;

    public int Refused => Volatile.Read(ref _refused);

    public IReadOnlyList<ExecutionReport> Reports => [.. _reports];

    public Task ReportAsync(ExecutionReport report, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            Interlocked.Increment(ref _refused);
            throw new IOException("the orchestrator is unreachable (refused on purpose by the test)");
        }

        _reports.Enqueue(report);
        Wait(report.ExecutionId, report.State).TrySetResult(report);
        if (report.State is ExecutionState.Completed or ExecutionState.Failed or ExecutionState.Cancelled)
        {
            Wait(report.ExecutionId, default).TrySetResult(report);
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<ExecutionState> StatesOf(ExecutionId id) => [.. _reports.Where(r => r.ExecutionId == id).Select(r => r.State)];

    /// <summary>The execution's terminal report (Completed, Failed or Cancelled).</summary>
    public Task<ExecutionReport> EndAsync(ExecutionId id, CancellationToken cancellationToken) => Wait(id, default).Task.WaitAsync(cancellationToken);

    public Task<ExecutionReport> StateAsync(ExecutionId id, ExecutionState state, CancellationToken cancellationToken) => Wait(id, state).Task.WaitAsync(cancellationToken);

    private TaskCompletionSource<ExecutionReport> Wait(ExecutionId id, ExecutionState state) =>
        _waits.GetOrAdd((id, state), _ => new TaskCompletionSource<ExecutionReport>(TaskCreationOptions.RunContinuationsAsynchronously));
}
