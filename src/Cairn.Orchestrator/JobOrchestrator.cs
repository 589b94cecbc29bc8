using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Jobs.Specs;
using Cairn.Orchestrator.Store;

namespace Cairn.Orchestrator;

/// <summary>
/// The orchestrator's front door: submits and stops jobs, and takes the compute nodes' execution
/// reports. Every change goes through the store (with its history entry) and queues an evaluation,
/// which the <see cref="Scheduling.EvaluationWorker"/>s act on.
/// </summary>
public sealed class JobOrchestrator : IComputeCallback
{
    private readonly IJobStore _store;
    private readonly JobSpecValidator _validator;
    private readonly TimeProvider _time;

    /// <summary>Creates the orchestrator over a store, validating jobs with <paramref name="validator"/>.</summary>
    public JobOrchestrator(IJobStore store, JobSpecValidator validator, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _validator = validator ?? throw new ArgumentNullException(nameof(validator));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Validates and stores a job, giving it an id (and its id as name when it has none), and queues its first evaluation.</summary>
    public async Task<JobRecord> SubmitAsync(Job job, string actor = "client", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        _validator.ValidateOrThrow(job);
        var id = job.Id.IsEmpty ? JobId.New() : job.Id;
        var stored = job with { Id = id, Name = string.IsNullOrWhiteSpace(job.Name) ? id.Value : job.Name };
        var evaluation = new EvaluationRecord
        {
            Id = EvaluationId.New(),
            JobId = id,
            TriggeredBy = EvaluationTrigger.JobRegistered,
            Priority = job.Priority,
            WaitUntil = _time.GetUtcNow(),
        };
        return await _store.CreateJobAsync(stored, evaluation, actor, cancellationToken);
    }

    /// <summary>
    /// Parses, validates and submits a spec's text (YAML or JSON); problems come back as one
    /// <see cref="JobSpecException"/> with every error's path, line and column.
    /// </summary>
    public Task<JobRecord> SubmitSpecAsync(string specText, string actor = "client", CancellationToken cancellationToken = default) =>
        SubmitAsync(Specs.JobSpecParser.ParseAndValidate(specText, _validator), actor, cancellationToken);

    /// <summary>Stops a job: it becomes <see cref="JobState.Stopped"/> and the scheduler cancels its executions.</summary>
    public async Task<JobRecord> StopJobAsync(JobId id, string? reason, string actor = "client", CancellationToken cancellationToken = default)
    {
        var record = await _store.GetJobAsync(id, cancellationToken)
            ?? throw new CairnException(ErrorCode.NotFound, $"Job {id} does not exist.") { Hint = "List jobs with `cairn job list`." };
        if (JobStateMachine.IsTerminal(record.State))
        {
            throw new CairnException(ErrorCode.Conflict, $"Job {id} is already {record.State}.") { Hint = "Only pending, queued or running jobs can be stopped." };
        }

        return await _store.UpdateJobStateAsync(id, JobState.Stopped, reason ?? $"stopped by {actor}", actor, Evaluation(record.Job, EvaluationTrigger.JobStopped), cancellationToken);
    }

    /// <inheritdoc />
    public async Task ReportAsync(ExecutionReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var execution = await _store.GetExecutionAsync(report.ExecutionId, cancellationToken)
            ?? throw new CairnException(ErrorCode.NotFound, $"Execution {report.ExecutionId} does not exist.");
        if (execution.NodeId != report.NodeId)
        {
            throw new CairnException(ErrorCode.Conflict, $"Execution {report.ExecutionId} runs on {execution.NodeId}, not on {report.NodeId}.");
        }

        if (ExecutionStateMachine.IsTerminal(execution.State))
        {
            // A late report (the orchestrator already cancelled or timed it out) changes nothing.
            return;
        }

        var actor = "node:" + report.NodeId;

        // A node may report the end without having reported the start (a noop finishes at once).
        if (report.State is ExecutionState.Publishing or ExecutionState.Completed && execution.State == ExecutionState.BidAccepted)
        {
            await _store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.Running }, actor, cancellationToken);
        }

        // Only an ending changes what the scheduler would decide. The pass that placed the execution
        // already booked a look at the earliest moment a start or execution timeout could fall due, so
        // Running and Publishing are recorded without queueing a pass (two fewer per job).
        EvaluationRecord? followUp = null;
        if (ExecutionStateMachine.IsTerminal(report.State))
        {
            var job = await _store.GetJobAsync(execution.JobId, cancellationToken)
                ?? throw new CairnException(ErrorCode.NotFound, $"Job {execution.JobId} does not exist.");
            followUp = Evaluation(job.Job, EvaluationTrigger.ExecutionUpdated);
        }

        try
        {
            await _store.UpdateExecutionAsync(
                execution.Id,
                new ExecutionUpdate
                {
                    State = report.State,
                    Result = report.Result,
                    Message = report.Message ?? report.Result?.Error,
                    FollowUp = followUp,
                },
                actor,
                cancellationToken);
        }
        catch (CairnException e) when (e.Code == ErrorCode.Conflict)
        {
            // The orchestrator ended it in the meantime: its decision stands. Anything else is the node's error.
            if (await IsTerminalAsync(execution.Id, cancellationToken))
            {
                return;
            }

            throw;
        }
    }

    /// <summary>
    /// Called once when the node starts, before the workers: executions still live on a node that
    /// restarted (it lost them) are Failed "node restarted", and every job with a live execution or a
    /// deal not yet closed gets an evaluation, whose pass retries, times out and settles as needed.
    /// </summary>
    /// <param name="restartedNodes">The compute nodes that restarted with this orchestrator and know no executions.</param>
    /// <param name="cancellationToken">Cancels the recovery.</param>
    /// <returns>How many jobs were queued for a look.</returns>
    public Task<int> RecoverAsync(IReadOnlyCollection<NodeId> restartedNodes, CancellationToken cancellationToken = default) =>
        RecoverAsync(restartedNodes, everyJob: true, cancellationToken);

    /// <summary>
    /// A compute node came back as a new process (it knows no executions): its live executions are
    /// Failed "node restarted" and only their jobs get an evaluation. A node that never ran anything
    /// here costs one read of the unfinished executions.
    /// </summary>
    /// <returns>How many jobs were queued for a look.</returns>
    public Task<int> RecoverNodeAsync(NodeId node, CancellationToken cancellationToken = default) =>
        RecoverAsync([node], everyJob: false, cancellationToken);

    private async Task<int> RecoverAsync(IReadOnlyCollection<NodeId> restartedNodes, bool everyJob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restartedNodes);
        var jobs = new HashSet<JobId>();
        foreach (var execution in await _store.ListUnfinishedExecutionsAsync(cancellationToken))
        {
            if (everyJob)
            {
                jobs.Add(execution.JobId);
            }

            if (ExecutionStateMachine.IsActive(execution.State) && restartedNodes.Contains(execution.NodeId))
            {
                jobs.Add(execution.JobId);
                try
                {
                    await _store.UpdateExecutionAsync(
                        execution.Id,
                        new ExecutionUpdate { State = ExecutionState.Failed, DesiredState = ExecutionDesiredState.Stopped, Message = $"node {execution.NodeId} restarted" },
                        "orchestrator",
                        cancellationToken);
                }
                catch (CairnException e) when (e.Code == ErrorCode.Conflict)
                {
                    // Ended meanwhile: that end stands.
                }
            }
        }

        var now = _time.GetUtcNow();
        foreach (var id in jobs)
        {
            if (await _store.GetJobAsync(id, cancellationToken) is not { } job)
            {
                continue;
            }

            await _store.EnqueueEvaluationUnlessPendingAsync(
                new EvaluationRecord { Id = EvaluationId.New(), JobId = id, TriggeredBy = EvaluationTrigger.NodeUpdated, Priority = job.Job.Priority, WaitUntil = now },
                now,
                "orchestrator",
                cancellationToken);
        }

        return jobs.Count;
    }

    private async Task<bool> IsTerminalAsync(ExecutionId id, CancellationToken cancellationToken) =>
        await _store.GetExecutionAsync(id, cancellationToken) is { } e && ExecutionStateMachine.IsTerminal(e.State);

    // Every change is stored together with the evaluation it calls for: a crash between the two
    // would leave a job whose news nobody looks at.
    private EvaluationRecord Evaluation(Job job, EvaluationTrigger trigger) =>
        new() { Id = EvaluationId.New(), JobId = job.Id, TriggeredBy = trigger, Priority = job.Priority, WaitUntil = _time.GetUtcNow() };
}
