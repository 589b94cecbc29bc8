using Cairn.Jobs;
using Cairn.Orchestrator.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Orchestrator.Scheduling;

/// <summary>
/// Takes evaluations off the durable queue and runs the scheduler on them. A claim is a lease: if
/// this worker dies before acknowledging, the evaluation is claimed again once the lease runs out.
/// </summary>
public sealed class EvaluationWorker
{
    private readonly IJobStore _store;
    private readonly JobScheduler _scheduler;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a worker.</summary>
    public EvaluationWorker(IJobStore store, JobScheduler scheduler, SchedulerOptions options, TimeProvider time, string? workerId = null, ILogger<EvaluationWorker>? logger = null)
    {
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        WorkerId = workerId ?? "worker-" + Guid.NewGuid().ToString("N")[..8];
    }

    /// <summary>This worker's name in leases and history.</summary>
    public string WorkerId { get; }

    /// <summary>Processes one ready evaluation; false when none was ready.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var evaluation = await _store.ClaimEvaluationAsync(WorkerId, _options.EvaluationLease, cancellationToken);
        if (evaluation is null)
        {
            return false;
        }

        string? reason = null;
        try
        {
            await _scheduler.ProcessAsync(evaluation, cancellationToken);
        }
        catch (CairnException e) when (e.Code is not ErrorCode.Internal)
        {
            reason = e.Message;
            Log.EvaluationFailed(_logger, evaluation.Id, evaluation.JobId, evaluation.Attempts, reason);
        }
#pragma warning disable CA1031 // The worker is the host's loop: a bug in one pass must not stop every other job.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            reason = "internal error: " + e.Message;
            Log.EvaluationCrashed(_logger, e, evaluation.Id, evaluation.JobId);
        }

        try
        {
            if (reason is null)
            {
                await _store.AckEvaluationAsync(evaluation.Id, WorkerId, cancellationToken);
                Log.EvaluationProcessed(_logger, evaluation.Id, evaluation.JobId, evaluation.TriggeredBy, WorkerId);
                return true;
            }

            await _store.NackEvaluationAsync(evaluation.Id, WorkerId, _options.BackoffFor(evaluation.Attempts), reason, _options.EvaluationMaxAttempts, cancellationToken);
        }
        catch (CairnException e) when (e.Code is ErrorCode.Conflict)
        {
            // The pass outlived its lease and another worker holds the evaluation now: its outcome counts.
            Log.EvaluationFailed(_logger, evaluation.Id, evaluation.JobId, evaluation.Attempts, e.Message);
            return true;
        }

        if (evaluation.Attempts >= _options.EvaluationMaxAttempts)
        {
            // The queue gave up on the job's evaluation; leaving the job Pending would hide that.
            Log.EvaluationGaveUp(_logger, evaluation.JobId, evaluation.Id, evaluation.Attempts);
            if (await _store.GetJobAsync(evaluation.JobId, cancellationToken) is { } job && !JobStateMachine.IsTerminal(job.State))
            {
                await _store.UpdateJobStateAsync(evaluation.JobId, JobState.Failed, $"the scheduler gave up after {evaluation.Attempts} attempts: {reason}", WorkerId, cancellationToken);
            }
        }

        return true;
    }

    /// <summary>Processes every evaluation ready now; returns how many.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken = default)
    {
        var count = 0;
        while (await RunOnceAsync(cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>Runs until cancelled (then returns), polling the queue when it is empty.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                bool worked;
                try
                {
                    worked = await RunOnceAsync(cancellationToken);
                }
                catch (CairnException e)
                {
                    // A store hiccup (locked, lease lost): the evaluation's lease brings it back; keep serving.
                    Log.StoreUnavailable(_logger, WorkerId, e.Message);
                    worked = false;
                }

                if (!worked)
                {
                    await Task.Delay(_options.PollInterval, _time, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: a half-done pass keeps its lease and is redone after it expires.
        }
    }
}
