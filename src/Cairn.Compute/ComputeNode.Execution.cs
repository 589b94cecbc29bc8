using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Jobs.Execution;

namespace Cairn.Compute;

public sealed partial class ComputeNode
{
    private const int MaxFinishedLogs = 10_000;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private async Task ExecuteAsync(Run run, BidAcceptedRequest request, JobTask task, IExecutor executor, IComputeCallback callback)
    {
        var id = run.Id;
        var ct = run.Cancellation.Token;
        var state = ExecutionState.Failed;
        string? message = null;
        RunResult? result = null;
        try
        {
            Log.ExecutionStarted(_logger, id, executor.Engine);
            await ReportAsync(callback, Report(id, ExecutionState.Running), ct).ConfigureAwait(false);
            Directory.CreateDirectory(run.WorkDirectory);
            run.Stdout = new LogFile(Path.Combine(run.WorkDirectory, "stdout"), "stdout", run.MaxLogBytes, run.Signal);
            run.Stderr = new LogFile(Path.Combine(run.WorkDirectory, "stderr"), "stderr", run.MaxLogBytes, run.Signal);

            var prepared = await PrepareAsync(run, task, executor, ct).ConfigureAwait(false);
            var limits = new ExecutionLimits
            {
                Fuel = request.Deal?.FuelLimit,
                Timeout = task.Timeouts.ExecutionTimeout,
                MemoryBytes = task.Resources.MemoryBytes > 0 ? task.Resources.MemoryBytes : null,
            };
            var startedAt = _time.GetUtcNow();
            ExecutorResult outcome;
            try
            {
                outcome = await executor.RunAsync(
                    new ExecutorRequest
                    {
                        ExecutionId = id,
                        Job = request.Job,
                        Task = task,
                        Inputs = prepared.Inputs,
                        Artifacts = prepared.Artifacts,
                        Outputs = prepared.Outputs,
                        Stdout = run.Stdout,
                        Stderr = run.Stderr,
                        Limits = limits,
                    },
                    ct).ConfigureAwait(false);
            }
            finally
            {
                run.Stdout.Complete();
                run.Stderr.Complete();
                run.Ended.TrySetResult();
                run.Signal();
            }

            var finishedAt = _time.GetUtcNow();
            await ReportAsync(callback, Report(id, ExecutionState.Publishing), ct).ConfigureAwait(false);
            result = await PublishAsync(run, request, task, executor, prepared, outcome, startedAt, finishedAt, ct).ConfigureAwait(false);
            state = outcome.Succeeded ? ExecutionState.Completed : ExecutionState.Failed;
            message = outcome.Succeeded ? null : outcome.Error ?? $"the task exited with code {outcome.ExitCode}";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            state = ExecutionState.Cancelled;
            message = run.CancelReason ?? (_stopping.IsCancellationRequested ? "the compute node is shutting down" : "cancelled");
        }
        catch (CairnException e)
        {
            // An input that cannot be prepared, a result that cannot be published: the execution fails with why.
            state = ExecutionState.Failed;
            message = e.Hint is null ? e.Message : $"{e.Message} {e.Hint}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            state = ExecutionState.Failed;
            message = $"I/O failure on the compute node: {e.Message}";
        }
#pragma warning disable CA1031 // The outermost loop of a background execution: anything else is a node bug, reported as a failure rather than a hung execution.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.ExecutionCrashed(_logger, e, id);
            state = ExecutionState.Failed;
            message = $"internal error on the compute node: {e.Message}";
        }
        finally
        {
            run.Stdout?.Dispose();
            run.Stderr?.Dispose();
            run.Ended.TrySetResult();
            run.Signal();
        }

        // Remembered (boundedly) so the logs stay readable by execution id and a repeated
        // BidAccepted for an execution that already ran does not run it again.
        _finished[id] = result is { StdoutCid: { } so, StderrCid: { } se } ? (Multiformats.Cid.Parse(so), Multiformats.Cid.Parse(se)) : null;
        _finishedOrder.Enqueue(id);
        while (_finishedOrder.Count > MaxFinishedLogs && _finishedOrder.TryDequeue(out var old))
        {
            _finished.TryRemove(old, out _);
        }

        lock (_capacityLock)
        {
            _runs.TryRemove(id, out _);
        }

        run.Cancellation.Dispose();
        Log.ExecutionEnded(_logger, id, state, message);
        await ReportAsync(callback, Report(id, state) with { Result = result, Message = message }, CancellationToken.None).ConfigureAwait(false);
        // After the report: everything is published, and deleting a tree costs milliseconds the
        // orchestrator need not wait for. DisposeAsync still waits for it (it is part of the run's task).
        Cleanup(run);
        _tasks.TryRemove(id, out _);
    }

    private ExecutionReport Report(ExecutionId id, ExecutionState state) => new() { ExecutionId = id, NodeId = Id, State = state };

    /// <summary>Reports to the orchestrator; a failed call is retried with backoff, then logged and dropped.</summary>
    private async Task ReportAsync(IComputeCallback callback, ExecutionReport report, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await callback.ReportAsync(report, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // The callback may be a remote orchestrator: any failure of the call is retried, then logged.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (attempt >= _options.ReportAttempts)
                {
                    Log.ReportGaveUp(_logger, e, report.ExecutionId, report.State);
                    return;
                }

                Log.ReportRetry(_logger, report.ExecutionId, report.State, attempt, e.Message);
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay *= 2;
        }
    }

    private void Cleanup(Run run)
    {
        if (_options.KeepWorkDirectories || !Directory.Exists(run.WorkDirectory))
        {
            return;
        }

        try
        {
            // Inputs and artifacts were made read-only; give their directories write back so the tree
            // can be removed without root (removing a file needs its directory writable, not the file).
            foreach (var root in new[] { Path.Combine(run.WorkDirectory, "inputs"), Path.Combine(run.WorkDirectory, "artifacts") }.Where(Directory.Exists))
            {
                foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root))
                {
                    MakeWritable(dir, directory: true);
                }
            }

            Directory.Delete(run.WorkDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CleanupFailed(_logger, run.WorkDirectory, e.Message);
        }
    }
}
