using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Market;
using Cairn.Orchestrator.Store;

namespace Cairn.Orchestrator.Scheduling;

/// <content>Deals: opening one per accepted bid, closing them once their executions end.</content>
public sealed partial class JobScheduler
{
    // A deal.fail reason is stored on the ledger for ever: keep it to a line.
    private const int MaxReasonLength = 300;

    /// <summary>
    /// The deal an execution needs, or null when it runs free (no market, no budget, or no client to
    /// pay); <paramref name="problem"/> says why a paid job cannot run on this node.
    /// </summary>
    private DealRequest? DealRequestFor(Job job, ExecutionRecord execution, NodeInfo node, out string? problem)
    {
        problem = null;
        if (_market is null)
        {
            return null;
        }

        var budget = job.Payment?.Budget is > 0 and var b ? b : _marketOptions.DefaultBudget;
        var client = job.Payment?.Client ?? _marketOptions.DefaultClient;
        if (budget <= 0 || client is null)
        {
            return null;
        }

        if (node.Account is null || node.OfferId is null)
        {
            problem = $"node {node.Id} has no ledger account or offer, so this paid job cannot pay it";
            return null;
        }

        var task = job.Tasks[0];
        var runFor = task.Timeouts.ExecutionTimeout ?? _options.DefaultExecutionTimeout
            ?? task.Timeouts.TotalTimeout ?? _options.DefaultTotalTimeout
            ?? _marketOptions.DefaultDealDuration;
        var deadline = _time.GetUtcNow() + _options.StartTimeout + runFor + _marketOptions.DealDeadlineMargin;
        return new DealRequest
        {
            DealId = execution.Id.Value,
            Client = client,
            Provider = node.Account,
            OfferId = node.OfferId,
            Job = job.Id.Value,
            Execution = execution.Id.Value,
            Budget = budget,
            Deadline = deadline.ToUnixTimeMilliseconds(),
        };
    }

    /// <summary>
    /// Opens the deal and records it. On failure the execution is Failed (the node is told to drop
    /// it) and the refusal is returned when the ledger's reason is the client's (no allowance or
    /// funds): then the job fails rather than trying another node.
    /// </summary>
    private async Task<(DealOpened? Opened, string? ClientRefusal)> OpenDealAsync(ExecutionId execution, IComputeNode node, DealRequest request, CancellationToken cancellationToken)
    {
        var market = _market!;
        DealOpened opened;
        try
        {
            opened = await market.OpenDealAsync(request, cancellationToken);
        }
        catch (CairnException e)
        {
            // The ledger out of reach is no fault of the job: the attempt is cancelled, not failed
            // (retries are not used up), and the pass stops so its evaluation is retried later.
            var unreachable = e.Code is ErrorCode.ServiceUnavailable or ErrorCode.Timeout;

            // Whether the deal exists is settled by the reconciliation that closes the execution's deal.
            await TryUpdateAsync(
                execution,
                new ExecutionUpdate { State = unreachable ? ExecutionState.Cancelled : ExecutionState.Failed, DesiredState = ExecutionDesiredState.Stopped, Message = "the deal could not be opened: " + e.Message },
                cancellationToken);
            try
            {
                await node.CancelAsync(new CancelExecutionRequest { ExecutionId = execution, Reason = "the deal could not be opened" }, cancellationToken);
            }
            catch (CairnException)
            {
                // The node never started it: the bid's hold lapses there on its own.
            }

            if (unreachable)
            {
                throw;
            }

            // The ledger names the account that fell short: the client (allowance, balance) or the
            // provider (collateral, offer). Only the client's shortfall dooms every placement.
            if (e.Code == ErrorCode.Conflict && request.Client != request.Provider && e.Message.Contains(request.Client, StringComparison.Ordinal))
            {
                return (null, $"the client {request.Client} cannot pay: {e.Message} Hint: the client must approve the orchestrator {market.Account} "
                    + $"for at least {request.Budget} (an `approve` transaction) and hold that much on the ledger.");
            }

            return (null, null);
        }

        await _store.UpdateExecutionAsync(
            execution,
            new ExecutionUpdate { DealStatus = DealStatus.Open, DealTxCid = opened.Transaction.TxCid, DealMessage = $"deal {opened.DealId} opened: budget {opened.Budget} escrowed, collateral {opened.Collateral} (tx {opened.Transaction.TxCid})" },
            Actor,
            cancellationToken);
        return (opened, null);
    }

    /// <summary>Closes the deal of every terminal execution of the job whose deal is not yet recorded closed.</summary>
    private async Task ReconcileDealsAsync(JobId jobId, CancellationToken cancellationToken)
    {
        if (_market is null)
        {
            return;
        }

        foreach (var execution in await _store.GetExecutionsAsync(jobId, cancellationToken))
        {
            if (execution.DealId is not null && execution.DealStatus is null or DealStatus.Open && ExecutionStateMachine.IsTerminal(execution.State))
            {
                await CloseDealAsync(execution, cancellationToken);
            }
        }
    }

    private async Task CloseDealAsync(ExecutionRecord execution, CancellationToken cancellationToken)
    {
        var dealId = execution.DealId!;
        var deal = await _market!.GetDealAsync(dealId, cancellationToken);
        if (deal is null)
        {
            // Opening failed or never reached the ledger: nothing is escrowed.
            await _store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { ClearDeal = true, DealMessage = $"deal {dealId} was never opened: nothing to close" }, Actor, cancellationToken);
            return;
        }

        DealClosed closed;
        string? note = null;
        if (execution.State == ExecutionState.Completed && execution.Result?.UsageReport is { } report && report.DealId == dealId)
        {
            try
            {
                closed = await _market.SettleDealAsync(report, cancellationToken);
            }
            catch (CairnException e) when (e.Code is ErrorCode.Conflict or ErrorCode.InvalidInput)
            {
                // A report the ledger will not take (bad signature, unparsable) cannot pay the node.
                note = "settlement rejected: " + e.Message;
                closed = await _market.FailDealAsync(dealId, Clip(note), cancellationToken);
            }
        }
        else
        {
            var why = execution.State == ExecutionState.Completed
                ? "completed without a usage report for the deal"
                : $"execution {execution.State.ToString().ToLowerInvariant()}" + (execution.StateMessage is null ? string.Empty : ": " + execution.StateMessage);
            closed = await _market.FailDealAsync(dealId, Clip(why), cancellationToken);
        }

        var verb = closed.Status.ToString().ToLowerInvariant();
        await _store.UpdateExecutionAsync(
            execution.Id,
            new ExecutionUpdate
            {
                DealStatus = closed.Status,
                SettlementTxCid = closed.Transaction.TxCid,
                Paid = closed.Paid,
                Refunded = closed.Refunded,
                DealMessage = $"deal {dealId} {verb}: paid {closed.Paid}, fee {closed.ProtocolFee}, refunded {closed.Refunded} (tx {closed.Transaction.TxCid})"
                    + (note is null ? string.Empty : "; " + note),
            },
            Actor,
            cancellationToken);
    }

    private static string Clip(string text) => text.Length <= MaxReasonLength ? text : text[..MaxReasonLength];

    /// <summary>What one placement attempt came to.</summary>
    /// <param name="Placed">True when the node took the execution (it may still fail later).</param>
    /// <param name="ClientRefusal">Set when the client cannot pay: the job fails with it.</param>
    private readonly record struct PlaceOutcome(bool Placed, string? ClientRefusal)
    {
        public static PlaceOutcome Success => new(true, null);

        public static PlaceOutcome NotPlaced => new(false, null);

        // The execution was created and failed (its deal could not be opened): it counts as a failure for retries.
        public static PlaceOutcome Failed => new(false, null);
    }
}
