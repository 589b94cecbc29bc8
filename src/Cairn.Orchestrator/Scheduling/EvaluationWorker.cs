using Cairn.Orchestrator.Store;

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

    /// <summary>Creates a worker.</summary>
    public EvaluationWorker(IJobStore store, JobScheduler scheduler, SchedulerOptions options, TimeProvider time, string? workerId = null)
    {
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

        try
        {
            await _scheduler.ProcessAsync(evaluation, cancellationToken);
        }
        catch (CairnException e) when (e.Code is not ErrorCode.Internal)
        {
            await _store.NackEvaluationAsync(evaluation.Id, WorkerId, _options.BackoffFor(evaluation.Attempts), e.Message, _options.EvaluationMaxAttempts, cancellationToken);
            return true;
        }

        await _store.AckEvaluationAsync(evaluation.Id, WorkerId, cancellationToken);
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
                catch (CairnException)
                {
                    // A store hiccup (locked, lease lost): the evaluation's lease brings it back; keep serving.
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
