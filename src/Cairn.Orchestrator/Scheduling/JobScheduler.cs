using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Jobs.Specs;
using Cairn.Market;
using Cairn.Multiformats;
using Cairn.Orchestrator.Ranking;
using Cairn.Orchestrator.Store;

namespace Cairn.Orchestrator.Scheduling;

/// <summary>
/// Reconciles one job per evaluation: reads the job and its executions as they are now, applies
/// timeouts, decides what the job type wants (batch: Count completions; service: Count running;
/// ops: one completion per matching node; daemon: one running per matching node), places the
/// missing executions on the best-ranked nodes, and schedules the next look (retry backoff, queue
/// recheck, the nearest timeout). It holds no state between passes, so a pass interrupted by a crash
/// is simply run again when the evaluation's lease expires.
/// </summary>
/// <remarks>
/// With a market, every accepted bid gets a ledger deal (its id is the execution id) and every pass
/// begins and ends by closing the deals of the job's terminal executions from what is stored: settled with the
/// node's usage report when the execution completed with one, failed (full refund) otherwise. A
/// crash anywhere in between is healed by the next pass (docs/market.md).
/// </remarks>
public sealed partial class JobScheduler
{
    private const string Actor = "scheduler";
    private readonly IJobStore _store;
    private readonly INodeDirectory _nodes;
    private readonly NodeSelector _selector;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly IMarket? _market;
    private readonly MarketOptions _marketOptions;
    private readonly DateTimeOffset _reconnectGraceEnds;

    /// <summary>Creates a scheduler without a market: every job runs free.</summary>
    public JobScheduler(IJobStore store, INodeDirectory nodes, NodeSelector selector, SchedulerOptions options, TimeProvider time)
        : this(store, nodes, selector, options, time, null, null)
    {
    }

    /// <summary>Creates a scheduler that opens and closes deals through <paramref name="market"/> (acting as the orchestrator).</summary>
    public JobScheduler(IJobStore store, INodeDirectory nodes, NodeSelector selector, SchedulerOptions options, TimeProvider time, IMarket? market, MarketOptions? marketOptions)
    {
        _market = market;
        _marketOptions = marketOptions ?? new MarketOptions();
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _nodes = nodes ?? throw new ArgumentNullException(nameof(nodes));
        _selector = selector ?? throw new ArgumentNullException(nameof(selector));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _reconnectGraceEnds = time.GetUtcNow() + (options.ReconnectGrace ?? TimeSpan.Zero);
    }

    /// <summary>
    /// Closes the deals of the job's finished executions, runs one reconciliation pass over the job,
    /// then closes the deals of executions that pass ended (stopped, timed out).
    /// </summary>
    /// <remarks>
    /// Settling first (and again just before the job is moved to a terminal state, see FinishAsync)
    /// means a job is never seen Completed or Failed while the deal of an execution it counted as ended
    /// is still open: whoever waits for the job then reads final balances.
    /// </remarks>
    public async Task ProcessAsync(EvaluationRecord evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        await ReconcileDealsAsync(evaluation.JobId, cancellationToken);
        await ProcessCoreAsync(evaluation, cancellationToken);
        await ReconcileDealsAsync(evaluation.JobId, cancellationToken);
    }

    private async Task ProcessCoreAsync(EvaluationRecord evaluation, CancellationToken cancellationToken)
    {
        var record = await _store.GetJobAsync(evaluation.JobId, cancellationToken);
        if (record is null)
        {
            return;
        }

        var job = record.Job;
        var executions = (await _store.GetExecutionsAsync(job.Id, cancellationToken)).ToList();
        if (JobStateMachine.IsTerminal(record.State))
        {
            await StopActiveAsync(executions, $"the job is {record.State}", cancellationToken);
            return;
        }

        var now = _time.GetUtcNow();
        var task = job.Tasks[0];
        var executionTimeout = task.Timeouts.ExecutionTimeout ?? _options.DefaultExecutionTimeout;
        var queueTimeout = task.Timeouts.QueueTimeout ?? _options.DefaultQueueTimeout;
        var totalTimeout = task.Timeouts.TotalTimeout ?? _options.DefaultTotalTimeout;

        if (totalTimeout is { } total && now >= record.CreatedAt + total)
        {
            await StopActiveAsync(executions, "the job's total timeout passed", cancellationToken);
            await FinishAsync(record, JobState.Failed, $"total timeout of {Format(total)} exceeded", cancellationToken);
            return;
        }

        for (var i = 0; i < executions.Count; i++)
        {
            var e = executions[i];
            if (ExecutionStateMachine.IsActive(e.State) && _nodes.Find(e.NodeId) is null && now < _reconnectGraceEnds)
            {
                // The orchestrator has just started: its remote nodes are dialing in again and their
                // executions live on. ScheduleTimeoutsAsync books a look at the end of the grace period.
                continue;
            }
            else if (ExecutionStateMachine.IsActive(e.State) && _nodes.Find(e.NodeId) is null)
            {
                // The node left (or the orchestrator restarted without it): nothing will report on this execution.
                executions[i] = await StopAsync(e, ExecutionState.Failed, $"node {e.NodeId} is no longer connected", cancellationToken);
            }
            else if (e.State is ExecutionState.New or ExecutionState.AskForBid)
            {
                // A pass drives every placement to BidAccepted or BidRejected before it ends, and one job
                // has one pass at a time: a placement still here was cut short by a crash.
                executions[i] = await StopAsync(e, ExecutionState.Cancelled, "placement was interrupted before the bid was settled", cancellationToken);
            }
            else if (e.State == ExecutionState.BidAccepted && now >= e.ModifiedAt + _options.StartTimeout)
            {
                executions[i] = await StopAsync(e, ExecutionState.Failed, $"the node did not start the execution within {Format(_options.StartTimeout)}", cancellationToken);
            }
            else if (executionTimeout is { } limit && ExecutionStateMachine.IsActive(e.State) && e.StartedAt is { } started && now >= started + limit)
            {
                executions[i] = await StopAsync(e, ExecutionState.Failed, $"execution timeout of {Format(limit)} exceeded", cancellationToken);
            }
        }

        var active = executions.Where(e => ExecutionStateMachine.IsActive(e.State)).ToList();
        var failures = executions.Where(e => e.State == ExecutionState.Failed).ToList();
        var completed = executions.Where(e => e.State == ExecutionState.Completed).ToList();
        var ranked = await RankAsync(job, executions, cancellationToken);
        var eligible = ranked.Where(r => r.Eligible).ToList();

        // What is missing: a number of anonymous slots (batch, service) or specific nodes (ops, daemon).
        var needed = 0;
        List<RankedNode>? perNode = null;
        switch (job.Type)
        {
            case JobType.Batch:
                if (completed.Count >= job.Count)
                {
                    await StopActiveAsync(active, "the job has all its completions", cancellationToken);
                    await FinishAsync(record, JobState.Completed, $"{completed.Count} of {job.Count} execution(s) completed", cancellationToken);
                    return;
                }

                if (failures.Count >= _options.MaxAttempts)
                {
                    await StopActiveAsync(active, "the job failed", cancellationToken);
                    await FinishAsync(record, JobState.Failed, $"{failures.Count} execution(s) failed; the last: {failures[^1].StateMessage ?? "no reason given"}", cancellationToken);
                    return;
                }

                needed = job.Count - completed.Count - active.Count;
                break;
            case JobType.Service:
                if (failures.Count >= _options.MaxAttempts && active.Count == 0)
                {
                    await FinishAsync(record, JobState.Failed, $"{failures.Count} execution(s) failed; the last: {failures[^1].StateMessage ?? "no reason given"}", cancellationToken);
                    return;
                }

                needed = job.Count - active.Count;
                break;
            case JobType.Ops:
            case JobType.Daemon:
                var done = job.Type == JobType.Ops ? completed.Select(e => e.NodeId).ToHashSet() : [];
                var busy = active.Select(e => e.NodeId).ToHashSet();
                var exhausted = failures.GroupBy(e => e.NodeId).Where(g => g.Count() >= _options.MaxAttempts).Select(g => g.Key).ToHashSet();
                perNode = eligible.Where(r => !done.Contains(r.NodeId) && !busy.Contains(r.NodeId) && !exhausted.Contains(r.NodeId)).ToList();
                if (job.Type == JobType.Ops && perNode.Count == 0 && active.Count == 0 && (done.Count > 0 || exhausted.Count > 0))
                {
                    var state = exhausted.Count > 0 ? JobState.Failed : JobState.Completed;
                    var message = exhausted.Count > 0
                        ? $"failed on {exhausted.Count} node(s) ({string.Join(", ", exhausted)}); completed on {done.Count}"
                        : $"completed on {done.Count} node(s)";
                    await FinishAsync(record, state, message, cancellationToken);
                    return;
                }

                if (job.Type == JobType.Daemon && perNode.Count == 0 && active.Count == 0 && exhausted.Count > 0 && eligible.All(r => exhausted.Contains(r.NodeId)))
                {
                    await FinishAsync(record, JobState.Failed, $"failed {_options.MaxAttempts} times on every matching node", cancellationToken);
                    return;
                }

                needed = perNode.Count;
                break;
        }

        var everPlaced = executions.Any(e => e.State is not (ExecutionState.New or ExecutionState.AskForBid or ExecutionState.BidRejected));
        DateTimeOffset? recheck = null;
        if (needed > 0)
        {
            // Retries wait out a backoff that doubles with each failure, so a crashing task does not spin.
            var lastFailure = failures.Count == 0 ? (DateTimeOffset?)null : failures.Max(e => e.ModifiedAt);
            var retryAt = lastFailure + _options.BackoffFor(failures.Count);
            if (retryAt is { } at && now < at)
            {
                await EnqueueOnceAsync(job, EvaluationTrigger.RetryBackoff, at, cancellationToken);
                if (active.Count == 0)
                {
                    await MoveAsync(record, JobState.Queued, $"retrying after {failures.Count} failure(s), not before {at:O}", cancellationToken);
                }

                await ScheduleTimeoutsAsync(record, executions, everPlaced, queueTimeout, totalTimeout, executionTimeout, null, cancellationToken);
                return;
            }

            var placed = 0;
            var attempt = executions.Count;
            var targets = perNode ?? eligible;
            for (var slot = 0; slot < needed; slot++)
            {
                var candidates = perNode is null ? targets : [perNode[slot]];
                var success = false;
                foreach (var candidate in candidates)
                {
                    attempt++;
                    var outcome = await PlaceAsync(job, candidate, attempt, cancellationToken);
                    if (outcome.ClientRefusal is { } refusal)
                    {
                        // The client cannot pay: no other node would change that.
                        await StopActiveAsync(await _store.GetExecutionsAsync(job.Id, cancellationToken), "the client cannot pay", cancellationToken);
                        await FinishAsync(record, JobState.Failed, refusal, cancellationToken);
                        return;
                    }

                    if (outcome.Placed)
                    {
                        success = true;
                        placed++;
                        break;
                    }
                }

                if (!success && perNode is null)
                {
                    break;
                }
            }

            if (placed > 0)
            {
                everPlaced = true;
            }

            if (placed < needed)
            {
                recheck = now + _options.QueueRecheckInterval;
                if (!everPlaced && queueTimeout is { } queue && now >= record.CreatedAt + queue)
                {
                    await FinishAsync(record, JobState.Failed, $"queue timeout of {Format(queue)} exceeded: {Explain(ranked)}", cancellationToken);
                    return;
                }

                if (active.Count == 0 && placed == 0)
                {
                    await MoveAsync(record, JobState.Queued, $"waiting for a node: {Explain(ranked)}", cancellationToken);
                }
            }

            if (placed > 0 || active.Count > 0)
            {
                await MoveAsync(record, JobState.Running, null, cancellationToken);
            }
        }
        else if (active.Count > 0)
        {
            await MoveAsync(record, JobState.Running, null, cancellationToken);
        }
        else if (eligible.Count == 0)
        {
            // An ops or daemon job with no node to run on: it waits like any other.
            recheck = now + _options.QueueRecheckInterval;
            if (!everPlaced && queueTimeout is { } queue && now >= record.CreatedAt + queue)
            {
                await FinishAsync(record, JobState.Failed, $"queue timeout of {Format(queue)} exceeded: {Explain(ranked)}", cancellationToken);
                return;
            }

            await MoveAsync(record, JobState.Queued, $"waiting for a node: {Explain(ranked)}", cancellationToken);
        }

        var current = (await _store.GetExecutionsAsync(job.Id, cancellationToken)).ToList();
        await ScheduleTimeoutsAsync(record, current, everPlaced, queueTimeout, totalTimeout, executionTimeout, recheck, cancellationToken);
    }

    private static string Explain(IReadOnlyList<RankedNode> ranked) =>
        ranked.Count == 0 ? "no compute nodes are connected"
        : ranked.All(r => r.Eligible) ? "every matching node declined the bid"
        : NodeSelector.ExplainRejections(ranked);

    private static string Format(TimeSpan span) => span.TotalSeconds < 120 ? $"{span.TotalSeconds:0.###}s" : span.ToString();

    private async Task<IReadOnlyList<RankedNode>> RankAsync(Job job, IReadOnlyList<ExecutionRecord> executions, CancellationToken cancellationToken)
    {
        var cids = InputCids(job);
        var candidates = new List<NodeCandidate>();

        // Every node is asked at once: a remote node's answer is a round trip over its connection, and a
        // placement should cost the slowest of them, not their sum (bench/scheduler-bench.sh --rtt).
        var nodes = _nodes.Nodes;
        var answers = new Task<(NodeInfo Info, long Local)?>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            answers[i] = AskAsync(nodes[i], cids, cancellationToken);
        }

        foreach (var answer in answers)
        {
            if (await answer is not var (info, local))
            {
                // A node that cannot answer now is not a candidate now; the next pass asks again.
                continue;
            }

            candidates.Add(new NodeCandidate
            {
                Info = info,
                LocalBytes = local,
                PreviousFailures = executions.Count(e => e.NodeId == info.Id && e.State == ExecutionState.Failed),
            });
        }

        return _selector.Rank(new RankingContext { Job = job }, candidates);
    }

    private static async Task<(NodeInfo Info, long Local)?> AskAsync(IComputeNode node, List<Cid> cids, CancellationToken cancellationToken)
    {
        try
        {
            var info = await node.GetInfoAsync(cancellationToken);
            var local = cids.Count == 0 ? 0 : await node.GetLocalBytesAsync(cids, cancellationToken);
            return (info, local);
        }
        catch (CairnException)
        {
            return null;
        }
    }

    internal static List<Cid> InputCids(Job job)
    {
        var task = job.Tasks[0];
        var sources = task.InputSources.Select(i => i.Source).ToList();
        if (task.Engine.Type == WasmEngineParams.EngineType)
        {
            try
            {
                sources.Add(WasmEngineParams.FromSpec(task.Engine).EntryModule.Source);
            }
            catch (JobSpecException)
            {
                // Validated at submission; a spec that no longer reads simply has no module to locate.
            }
        }

        var cids = new List<Cid>();
        foreach (var source in sources)
        {
            if (source.Type == "ipfs" && source.GetParam("CID") is string text && Cid.TryParse(text, out var cid))
            {
                cids.Add(cid);
            }
        }

        return cids;
    }

    private async Task<PlaceOutcome> PlaceAsync(Job job, RankedNode target, int attempt, CancellationToken cancellationToken)
    {
        var node = _nodes.Find(target.NodeId);
        if (node is null)
        {
            return PlaceOutcome.NotPlaced;
        }

        var execution = new ExecutionRecord
        {
            Id = ExecutionId.New(),
            JobId = job.Id,
            NodeId = target.NodeId,
            DesiredState = ExecutionDesiredState.Pending,
            State = ExecutionState.New,
            StateMessage = $"score {target.Score}" + (target.Reasons.Count == 0 ? string.Empty : " (" + string.Join("; ", target.Reasons) + ")"),
            Attempt = attempt,
        };
        await _store.CreateExecutionAsync(execution, Actor, cancellationToken);
        await _store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.AskForBid }, Actor, cancellationToken);

        BidResult bid;
        try
        {
            bid = await node.AskBidAsync(new AskBidRequest { ExecutionId = execution.Id, Job = job }, cancellationToken);
        }
        catch (CairnException e)
        {
            await _store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.BidRejected, Message = "the node did not answer the bid: " + e.Message }, Actor, cancellationToken);
            return PlaceOutcome.NotPlaced;
        }

        var maxPrice = job.Payment?.MaxPrice ?? 0;
        if (!bid.Accepted || (maxPrice > 0 && bid.Price > maxPrice))
        {
            var reason = bid.Accepted ? $"bid price {bid.Price} is above MaxPrice {maxPrice}" : "the node declined: " + (bid.Reason ?? "no reason given");
            await _store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.BidRejected, Message = reason }, $"node:{target.NodeId}", cancellationToken);
            return PlaceOutcome.NotPlaced;
        }

        var dealRequest = DealRequestFor(job, execution, target.Candidate.Info, out var dealProblem);
        if (dealProblem is not null)
        {
            await _store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.BidRejected, Message = dealProblem }, Actor, cancellationToken);
            return PlaceOutcome.NotPlaced;
        }

        // The deal id is stored with the accepted bid, before the deal is opened: a crash after the
        // ledger opened it leaves a record that the next pass closes.
        await _store.UpdateExecutionAsync(
            execution.Id,
            new ExecutionUpdate { State = ExecutionState.BidAccepted, BidPrice = bid.Price, DesiredState = ExecutionDesiredState.Running, Message = $"bid {bid.Price} accepted", DealId = dealRequest?.DealId },
            Actor,
            cancellationToken);
        DealTerms? terms = null;
        if (dealRequest is not null)
        {
            var (opened, refusal) = await OpenDealAsync(execution.Id, node, dealRequest, cancellationToken);
            if (opened is null)
            {
                return refusal is null ? PlaceOutcome.Failed : new PlaceOutcome(false, refusal);
            }

            terms = new DealTerms(opened.DealId, opened.Budget, opened.Prices);
        }

        try
        {
            await node.BidAcceptedAsync(new BidAcceptedRequest { ExecutionId = execution.Id, Job = job, Deal = terms }, cancellationToken);
        }
        catch (CairnException e)
        {
            await TryUpdateAsync(execution.Id, new ExecutionUpdate { State = ExecutionState.Failed, Message = "the node could not start the execution: " + e.Message }, cancellationToken);
        }

        return PlaceOutcome.Success;
    }

    private async Task StopActiveAsync(IEnumerable<ExecutionRecord> executions, string reason, CancellationToken cancellationToken)
    {
        foreach (var execution in executions.Where(e => ExecutionStateMachine.IsActive(e.State)))
        {
            await StopAsync(execution, ExecutionState.Cancelled, reason, cancellationToken);
        }
    }

    private async Task<ExecutionRecord> StopAsync(ExecutionRecord execution, ExecutionState final, string reason, CancellationToken cancellationToken)
    {
        if (_nodes.Find(execution.NodeId) is { } node)
        {
            try
            {
                await node.CancelAsync(new CancelExecutionRequest { ExecutionId = execution.Id, Reason = reason }, cancellationToken);
            }
            catch (CairnException)
            {
                // The node is gone or the execution already ended there; the orchestrator's record still closes.
            }
        }

        return await TryUpdateAsync(execution.Id, new ExecutionUpdate { State = final, DesiredState = ExecutionDesiredState.Stopped, Message = reason }, cancellationToken)
            ?? execution;
    }

    private async Task<ExecutionRecord?> TryUpdateAsync(ExecutionId id, ExecutionUpdate update, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.UpdateExecutionAsync(id, update, Actor, cancellationToken);
        }
        catch (CairnException e) when (e.Code == ErrorCode.Conflict)
        {
            // The node reported a terminal state first; its report stands.
            return await _store.GetExecutionAsync(id, cancellationToken);
        }
    }

    private async Task MoveAsync(JobRecord record, JobState state, string? message, CancellationToken cancellationToken)
    {
        if (record.State == state)
        {
            // Already there when the pass began. Only a stop can have moved it since (one pass per job
            // at a time), and from a stop's terminal state the store would refuse the move anyway.
            return;
        }

        try
        {
            // The store reads the current state in the same transaction and keeps a same-state move a no-op.
            await _store.UpdateJobStateAsync(record.Job.Id, state, message, Actor, cancellationToken);
        }
        catch (CairnException e) when (e.Code == ErrorCode.Conflict)
        {
            // The job moved on meanwhile (stopped, say): that move stands.
        }
    }

    /// <summary>
    /// Moves the job to a terminal state after closing the deals of its ended executions, including any
    /// that ended after this pass's first reconciliation: whoever sees the job finished reads settled balances.
    /// </summary>
    private async Task FinishAsync(JobRecord record, JobState state, string message, CancellationToken cancellationToken)
    {
        await ReconcileDealsAsync(record.Job.Id, cancellationToken);
        await MoveAsync(record, state, message, cancellationToken);
    }

    private async Task ScheduleTimeoutsAsync(
        JobRecord record,
        IReadOnlyList<ExecutionRecord> executions,
        bool everPlaced,
        TimeSpan? queueTimeout,
        TimeSpan? totalTimeout,
        TimeSpan? executionTimeout,
        DateTimeOffset? recheck,
        CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var deadlines = new List<DateTimeOffset>();
        if (totalTimeout is { } total)
        {
            deadlines.Add(record.CreatedAt + total);
        }

        if (!everPlaced && queueTimeout is { } queue)
        {
            deadlines.Add(record.CreatedAt + queue);
        }

        if (executionTimeout is { } limit)
        {
            deadlines.AddRange(executions.Where(e => ExecutionStateMachine.IsActive(e.State) && e.StartedAt is not null).Select(e => e.StartedAt!.Value + limit));

            // A node's Running report queues no pass (JobOrchestrator.ReportAsync), so an execution not
            // started yet gets a look at the earliest its timeout could fall: it cannot start before now.
            // That pass books the real deadline from StartedAt.
            deadlines.AddRange(executions.Where(e => e.State == ExecutionState.BidAccepted).Select(_ => now + limit));
        }

        deadlines.AddRange(executions.Where(e => e.State == ExecutionState.BidAccepted).Select(e => e.ModifiedAt + _options.StartTimeout));
        if (recheck is { } r)
        {
            deadlines.Add(r);
        }

        if (now < _reconnectGraceEnds && executions.Any(e => ExecutionStateMachine.IsActive(e.State) && _nodes.Find(e.NodeId) is null))
        {
            deadlines.Add(_reconnectGraceEnds);
        }

        var next = deadlines.Where(d => d > now).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        if (next != DateTimeOffset.MaxValue)
        {
            await EnqueueOnceAsync(record.Job, EvaluationTrigger.Timeout, next, cancellationToken);
        }
    }

    // One pending future look at or before that time is enough: each pass recomputes every
    // deadline. Looks due now do not count: the pass that claimed them may be this one.
    private Task<bool> EnqueueOnceAsync(Job job, EvaluationTrigger trigger, DateTimeOffset at, CancellationToken cancellationToken) =>
        _store.EnqueueEvaluationUnlessPendingAsync(
            new EvaluationRecord { Id = EvaluationId.New(), JobId = job.Id, TriggeredBy = trigger, Priority = job.Priority, WaitUntil = at },
            _time.GetUtcNow(),
            Actor,
            cancellationToken);
}
