using Cairn.Jobs;
using Cairn.Orchestrator.Store;

namespace Cairn.Orchestrator.Tests.Store;

/// <summary>
/// The evaluation queue's contract, which every <see cref="IJobStore"/> backend's tests inherit
/// (SQLite now; PostgreSQL with FOR UPDATE SKIP LOCKED later).
/// </summary>
public abstract class JobStoreQueueConformance
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected ManualTimeProvider Clock { get; } = new();

    /// <summary>Opens the backend's storage; every call opens the same storage again, as a restarted orchestrator would.</summary>
    protected abstract Task<IJobStore> OpenAsync();

    private async Task<(JobId Job, EvaluationId Evaluation)> SubmitAsync(IJobStore store, int priority = 0, DateTimeOffset? waitUntil = null)
    {
        var job = TestJobs.Noop();
        var evaluation = new EvaluationRecord { Id = EvaluationId.New(), JobId = job.Id, Priority = priority, WaitUntil = waitUntil ?? Clock.GetUtcNow() };
        await store.CreateJobAsync(job, evaluation, "client", TestContext.Token);
        return (job.Id, evaluation.Id);
    }

    [Fact(Timeout = 60_000)]
    public async Task Claim_EmptyQueue_ReturnsNull()
    {
        var store = await OpenAsync();

        Assert.Null(await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task Claim_TakesHighestPriorityFirst_ThenOldest()
    {
        var store = await OpenAsync();
        var low = await SubmitAsync(store);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var high = await SubmitAsync(store, priority: 5);
        var low2 = await SubmitAsync(store);

        var order = new List<EvaluationId>();
        while (await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token) is { } claimed)
        {
            order.Add(claimed.Id);
        }

        Assert.Equal([high.Evaluation, low.Evaluation, low2.Evaluation], order);
    }

    [Fact(Timeout = 60_000)]
    public async Task Claim_RespectsWaitUntil()
    {
        var store = await OpenAsync();
        var later = await SubmitAsync(store, waitUntil: Clock.GetUtcNow().AddSeconds(10));

        Assert.Null(await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token));
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(later.Evaluation, (await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token))?.Id);
    }

    [Fact(Timeout = 60_000)]
    public async Task Claim_ByCrashedWorker_IsReclaimedAfterTheLease()
    {
        var (job, evaluation) = (default(JobId), default(EvaluationId));
        {
            var store = await OpenAsync();
            (job, evaluation) = await SubmitAsync(store);
            var claimed = await store.ClaimEvaluationAsync("crashing-worker", Lease, TestContext.Token);
            Assert.Equal(evaluation, claimed?.Id);

            // The worker dies here: no ack, no nack.
        }

        var restarted = await OpenAsync();
        Assert.Null(await restarted.ClaimEvaluationAsync("w2", Lease, TestContext.Token));
        Clock.Advance(Lease - TimeSpan.FromTicks(1));
        Assert.Null(await restarted.ClaimEvaluationAsync("w2", Lease, TestContext.Token));
        Clock.Advance(TimeSpan.FromTicks(1));

        var reclaimed = await restarted.ClaimEvaluationAsync("w2", Lease, TestContext.Token);

        Assert.NotNull(reclaimed);
        Assert.Equal(evaluation, reclaimed.Id);
        Assert.Equal("w2", reclaimed.LeaseOwner);
        Assert.Equal(2, reclaimed.Attempts);
        var stale = await Assert.ThrowsAsync<CairnException>(() => restarted.AckEvaluationAsync(evaluation, "crashing-worker", TestContext.Token));
        Assert.Equal(ErrorCode.Conflict, stale.Code);
        await restarted.AckEvaluationAsync(evaluation, "w2", TestContext.Token);
        Assert.Equal(EvaluationStatus.Completed, (await restarted.GetEvaluationAsync(evaluation, TestContext.Token))?.Status);
        var history = await restarted.GetHistoryAsync(job, TestContext.Token);
        Assert.Contains(history, h => h.Details == "reclaimed by w2: the lease of crashing-worker expired");
    }

    [Fact(Timeout = 60_000)]
    public async Task Ack_AfterLeaseExpired_IsConflictEvenIfNotReclaimed()
    {
        var store = await OpenAsync();
        var (_, evaluation) = await SubmitAsync(store);
        await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token);
        Clock.Advance(Lease);

        var e = await Assert.ThrowsAsync<CairnException>(() => store.AckEvaluationAsync(evaluation, "w1", TestContext.Token));

        Assert.Equal(ErrorCode.Conflict, e.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Nack_RequeuesWithBackoff_ThenFailsAfterMaxAttempts()
    {
        var store = await OpenAsync();
        var (_, evaluation) = await SubmitAsync(store);

        await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token);
        await store.NackEvaluationAsync(evaluation, "w1", TimeSpan.FromSeconds(5), "node unreachable", maxAttempts: 2, TestContext.Token);
        Assert.Null(await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token));
        Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(evaluation, (await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token))?.Id);
        await store.NackEvaluationAsync(evaluation, "w1", TimeSpan.FromSeconds(5), "node unreachable", maxAttempts: 2, TestContext.Token);

        var failed = await store.GetEvaluationAsync(evaluation, TestContext.Token);
        Assert.Equal(EvaluationStatus.Failed, failed?.Status);
        Assert.Equal("node unreachable", failed?.Message);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task Claim_JobWithALiveLease_IsNotScheduledTwice()
    {
        var store = await OpenAsync();
        var (job, first) = await SubmitAsync(store);
        var second = new EvaluationRecord { Id = EvaluationId.New(), JobId = job, TriggeredBy = EvaluationTrigger.ExecutionUpdated, WaitUntil = Clock.GetUtcNow() };
        await store.EnqueueEvaluationAsync(second, "node:n-1", TestContext.Token);

        Assert.Equal(first, (await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token))?.Id);
        Assert.Null(await store.ClaimEvaluationAsync("w2", Lease, TestContext.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task Ack_CompletesPendingEvaluationsItCovered_ButNotLaterOnes()
    {
        var store = await OpenAsync();
        var (job, first) = await SubmitAsync(store);
        var covered = new EvaluationRecord { Id = EvaluationId.New(), JobId = job, TriggeredBy = EvaluationTrigger.ExecutionUpdated, WaitUntil = Clock.GetUtcNow() };
        var timeout = new EvaluationRecord { Id = EvaluationId.New(), JobId = job, TriggeredBy = EvaluationTrigger.Timeout, WaitUntil = Clock.GetUtcNow().AddMinutes(5) };
        await store.EnqueueEvaluationAsync(covered, "node:n-1", TestContext.Token);
        await store.EnqueueEvaluationAsync(timeout, "scheduler", TestContext.Token);
        await store.ClaimEvaluationAsync("w1", Lease, TestContext.Token);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var arrivedDuringPass = new EvaluationRecord { Id = EvaluationId.New(), JobId = job, TriggeredBy = EvaluationTrigger.ExecutionUpdated, WaitUntil = Clock.GetUtcNow() };
        await store.EnqueueEvaluationAsync(arrivedDuringPass, "node:n-1", TestContext.Token);

        await store.AckEvaluationAsync(first, "w1", TestContext.Token);

        var statuses = (await store.GetEvaluationsAsync(job, TestContext.Token)).ToDictionary(e => e.Id, e => e.Status);
        Assert.Equal(EvaluationStatus.Completed, statuses[covered.Id]);
        Assert.Equal(EvaluationStatus.Pending, statuses[timeout.Id]);
        Assert.Equal(EvaluationStatus.Pending, statuses[arrivedDuringPass.Id]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Claim_ConcurrentWorkers_EachEvaluationClaimedOnce()
    {
        var store = await OpenAsync();
        var submitted = new List<EvaluationId>();
        for (var i = 0; i < 20; i++)
        {
            submitted.Add((await SubmitAsync(store)).Evaluation);
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var mine = new List<EvaluationId>();
            while (await store.ClaimEvaluationAsync("w" + w, Lease, TestContext.Token) is { } claimed)
            {
                mine.Add(claimed.Id);
            }

            return mine;
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(submitted.Count, all.Count);
        Assert.Equal(submitted.ToHashSet(), all.ToHashSet());
    }

    [Fact(Timeout = 60_000)]
    public async Task EnqueueUnlessPending_SkipsWhenAnEarlierFutureLookExists()
    {
        var store = await OpenAsync();
        var (job, _) = await SubmitAsync(store);
        var now = Clock.GetUtcNow();
        EvaluationRecord At(int seconds) => new() { Id = EvaluationId.New(), JobId = job, TriggeredBy = EvaluationTrigger.Timeout, WaitUntil = now.AddSeconds(seconds) };

        Assert.True(await store.EnqueueEvaluationUnlessPendingAsync(At(30), now, "scheduler", TestContext.Token));
        Assert.False(await store.EnqueueEvaluationUnlessPendingAsync(At(60), now, "scheduler", TestContext.Token));
        Assert.True(await store.EnqueueEvaluationUnlessPendingAsync(At(10), now, "scheduler", TestContext.Token));

        // The submission's evaluation is due now, so it does not count as a future look.
        Assert.Equal(3, (await store.GetEvaluationsAsync(job, TestContext.Token)).Count);
    }
}
