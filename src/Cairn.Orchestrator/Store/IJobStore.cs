using Cairn.Jobs;

namespace Cairn.Orchestrator.Store;

/// <summary>
/// The orchestrator's durable state: jobs, executions, the evaluation queue and the append-only
/// history. Every state change is one transaction that also appends its history entry, and state
/// changes are checked against <see cref="JobStateMachine"/> and <see cref="ExecutionStateMachine"/>.
/// </summary>
public interface IJobStore
{
    /// <summary>Stores a new job (state <see cref="JobState.Pending"/>) and, atomically, its first evaluation.</summary>
    Task<JobRecord> CreateJobAsync(Job job, EvaluationRecord? evaluation, string actor, CancellationToken cancellationToken = default);

    /// <summary>The job, or null.</summary>
    Task<JobRecord?> GetJobAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>Jobs, newest first, optionally only those in <paramref name="state"/>.</summary>
    Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobState? state = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Moves a job to <paramref name="state"/>; a move to its current state is a no-op.</summary>
    Task<JobRecord> UpdateJobStateAsync(JobId id, JobState state, string? message, string actor, CancellationToken cancellationToken = default);

    /// <summary>Moves a job to <paramref name="state"/> and queues <paramref name="followUp"/> in the same transaction.</summary>
    Task<JobRecord> UpdateJobStateAsync(JobId id, JobState state, string? message, string actor, EvaluationRecord? followUp, CancellationToken cancellationToken = default);

    /// <summary>Stores a new execution.</summary>
    Task CreateExecutionAsync(ExecutionRecord execution, string actor, CancellationToken cancellationToken = default);

    /// <summary>The execution, or null.</summary>
    Task<ExecutionRecord?> GetExecutionAsync(ExecutionId id, CancellationToken cancellationToken = default);

    /// <summary>The job's executions, oldest first.</summary>
    Task<IReadOnlyList<ExecutionRecord>> GetExecutionsAsync(JobId jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Executions still live (not terminal) or whose deal is not closed (being opened, or open):
    /// what a restarted orchestrator must look at.
    /// </summary>
    Task<IReadOnlyList<ExecutionRecord>> ListUnfinishedExecutionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes an execution.</summary>
    Task<ExecutionRecord> UpdateExecutionAsync(ExecutionId id, ExecutionUpdate update, string actor, CancellationToken cancellationToken = default);

    /// <summary>Adds an evaluation to the queue.</summary>
    Task EnqueueEvaluationAsync(EvaluationRecord evaluation, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds an evaluation unless the job already has a pending one due after <paramref name="after"/>
    /// and no later than the new one (check and insert in one transaction); true when added.
    /// </summary>
    Task<bool> EnqueueEvaluationUnlessPendingAsync(EvaluationRecord evaluation, DateTimeOffset after, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the most urgent ready evaluation for <paramref name="worker"/> until <paramref name="lease"/>
    /// elapses: a pending one whose wait is over, or a leased one whose lease expired (its worker died).
    /// Null when none is ready.
    /// </summary>
    Task<EvaluationRecord?> ClaimEvaluationAsync(string worker, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Marks a claimed evaluation done; <see cref="ErrorCode.Conflict"/> when the worker no longer holds its lease.</summary>
    Task AckEvaluationAsync(EvaluationId id, string worker, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns a claimed evaluation to the queue, not before <paramref name="retryAfter"/>; after
    /// <paramref name="maxAttempts"/> claims it is marked failed instead.
    /// </summary>
    Task NackEvaluationAsync(EvaluationId id, string worker, TimeSpan retryAfter, string reason, int maxAttempts, CancellationToken cancellationToken = default);

    /// <summary>The evaluation, or null.</summary>
    Task<EvaluationRecord?> GetEvaluationAsync(EvaluationId id, CancellationToken cancellationToken = default);

    /// <summary>The job's evaluations, oldest first.</summary>
    Task<IReadOnlyList<EvaluationRecord>> GetEvaluationsAsync(JobId jobId, CancellationToken cancellationToken = default);

    /// <summary>The job's history, in order.</summary>
    Task<IReadOnlyList<JobHistoryEntry>> GetHistoryAsync(JobId jobId, CancellationToken cancellationToken = default);
}
