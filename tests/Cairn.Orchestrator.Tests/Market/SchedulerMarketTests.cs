using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Market;
using Cairn.Orchestrator.Ranking;
using Cairn.Orchestrator.Scheduling;
using Cairn.Orchestrator.Tests.Scheduling;

namespace Cairn.Orchestrator.Tests.Market;

/// <summary>Deals driven by the scheduler, against a real embedded ledger and a real job store.</summary>
public sealed class SchedulerMarketTests
{
    private const long Budget = 5000;
    private const long Fuel = 123_456_789;

    private static Job PaidJob(long budget = Budget, string? client = null, Timeouts? timeouts = null) =>
        TestJobs.Noop(payment: new Payment { Budget = budget, Client = client }, timeouts: timeouts);

    [Fact(Timeout = 60_000)]
    public async Task CompletedJob_PaysProviderForUsageAndRefundsTheRest()
    {
        await using var h = await MarketHarness.CreateAsync();
        var node = h.AddNode();
        var job = await h.SubmitAsync(PaidJob());
        await h.DrainAsync();

        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        var (cost, fee) = MarketHarness.Price(Fuel, Budget);
        Assert.Equal(1234, cost);
        Assert.Equal(execution.Id.Value, execution.DealId);
        Assert.Equal(DealStatus.Settled, execution.DealStatus);
        Assert.Equal(cost - fee, execution.Paid);
        Assert.Equal(Budget - cost, execution.Refunded);
        Assert.NotNull(execution.DealTxCid);
        Assert.NotNull(execution.SettlementTxCid);
        Assert.NotEqual(execution.DealTxCid, execution.SettlementTxCid);
        Assert.Equal(new DealTerms(execution.Id.Value, Budget, new UsagePrices(MarketHarness.FuelPrice, 0, 0)), node.Deals[execution.Id]);

        Assert.Equal(MarketHarness.ClientFunds - cost, await h.BalanceAsync(h.Client));
        Assert.Equal(MarketHarness.ProviderFunds + cost - fee, await h.BalanceAsync(h.Provider));
        Assert.Equal(MarketHarness.TreasuryFunds + fee, await h.BalanceAsync(h.Treasury));
        var deal = await h.Market.GetDealAsync(execution.Id.Value, TestContext.Token);
        Assert.Equal((DealStatus.Settled, job.Job.Id.Value, h.Client.Did.Text), (deal!.Status, deal.Job, deal.Client));

        var history = await h.Store.GetHistoryAsync(job.Job.Id, TestContext.Token);
        Assert.Contains(history, e => e.Details?.Contains("opened", StringComparison.Ordinal) == true && e.ExecutionId == execution.Id);
        Assert.Single(history, e => e.Details?.Contains("settled", StringComparison.Ordinal) == true);
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task FailedJob_EveryAttemptOpensItsOwnDealAndIsRefundedInFull()
    {
        await using var h = await MarketHarness.CreateAsync(new SchedulerOptions { MaxAttempts = 3 });
        h.AddNode(behavior: FakeBehavior.Fail);
        var job = await h.SubmitAsync(PaidJob());
        for (var i = 0; i < 5; i++)
        {
            h.Clock.Advance(TimeSpan.FromMinutes(1));
            await h.DrainAsync();
        }

        Assert.Equal(JobState.Failed, (await h.JobAsync(job.Job.Id)).State);
        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal(3, executions.Count);
        Assert.Equal(3, executions.Select(e => e.DealId).Distinct().Count());
        foreach (var e in executions)
        {
            Assert.Equal((DealStatus.Failed, 0L, Budget), (e.DealStatus, e.Paid, e.Refunded));
            Assert.Equal(DealStatus.Failed, (await h.Market.GetDealAsync(e.DealId!, TestContext.Token))!.Status);
        }

        Assert.Equal(MarketHarness.ClientFunds, await h.BalanceAsync(h.Client));
        Assert.Equal(MarketHarness.ProviderFunds, await h.BalanceAsync(h.Provider));
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task StoppedJob_CancelledExecutionIsRefundedInFull()
    {
        await using var h = await MarketHarness.CreateAsync();
        h.AddNode(behavior: FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(PaidJob());
        var running = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal(DealStatus.Open, running.DealStatus);
        Assert.Equal(MarketHarness.ClientFunds - Budget, await h.BalanceAsync(h.Client));

        await h.Orchestrator.StopJobAsync(job.Job.Id, "enough", cancellationToken: TestContext.Token);
        await h.DrainAsync();

        var stopped = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((ExecutionState.Cancelled, DealStatus.Failed, Budget), (stopped.State, stopped.DealStatus, stopped.Refunded));
        Assert.Equal(MarketHarness.ClientFunds, await h.BalanceAsync(h.Client));
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task TimedOutExecution_IsRefundedInFull()
    {
        await using var h = await MarketHarness.CreateAsync(new SchedulerOptions { MaxAttempts = 1 });
        h.AddNode(behavior: FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(PaidJob(timeouts: new Timeouts { ExecutionTimeout = TimeSpan.FromSeconds(30) }));
        h.Clock.Advance(TimeSpan.FromSeconds(31));
        await h.DrainAsync();

        Assert.Equal(JobState.Failed, (await h.JobAsync(job.Job.Id)).State);
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((ExecutionState.Failed, DealStatus.Failed, Budget), (execution.State, execution.DealStatus, execution.Refunded));
        Assert.Contains("timeout", (await h.Ledger.GetTransactionBytesAsync(Cairn.Multiformats.Cid.Parse(execution.SettlementTxCid!), TestContext.Token)) is { } tx
            ? System.Text.Encoding.UTF8.GetString(tx) : string.Empty, StringComparison.Ordinal);
        Assert.Equal(MarketHarness.ClientFunds, await h.BalanceAsync(h.Client));
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task CompletedWithForgedReport_SettlementRejectedBecomesFullRefund()
    {
        await using var h = await MarketHarness.CreateAsync();
        var node = h.AddNode();
        node.ForgeWith = h.Poor;
        var job = await h.SubmitAsync(PaidJob());
        await h.DrainAsync();

        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((ExecutionState.Completed, DealStatus.Failed, 0L, Budget), (execution.State, execution.DealStatus, execution.Paid, execution.Refunded));
        var history = await h.Store.GetHistoryAsync(job.Job.Id, TestContext.Token);
        Assert.Contains(history, e => e.Details?.Contains("settlement rejected", StringComparison.Ordinal) == true && e.Details.Contains("signature", StringComparison.Ordinal));
        Assert.Equal(MarketHarness.ClientFunds, await h.BalanceAsync(h.Client));
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task ClientWithoutAllowance_JobFailsWithTheLedgersReasonAndIsNotRetried()
    {
        await using var h = await MarketHarness.CreateAsync(new SchedulerOptions { MaxAttempts = 3 });
        var node = h.AddNode();
        h.AddNode("n-second");
        var job = await h.SubmitAsync(PaidJob(client: h.Poor.Did.Text));
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await h.DrainAsync();

        var record = await h.JobAsync(job.Job.Id);
        Assert.Equal(JobState.Failed, record.State);
        Assert.Contains("allows", record.StateMessage, StringComparison.Ordinal);
        Assert.Contains("approve", record.StateMessage, StringComparison.Ordinal);
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal(ExecutionState.Failed, execution.State);
        Assert.Null(execution.DealId);
        Assert.Null(await h.Market.GetDealAsync(execution.Id.Value, TestContext.Token));
        Assert.Empty(node.Accepted);
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task LedgerUnreachableAtOpen_AttemptCancelledNotCountedAndJobRunsLater()
    {
        await using var h = await MarketHarness.CreateAsync(new SchedulerOptions { MaxAttempts = 1 });
        h.AddNode();
        h.Flaky.UnavailableOnOpen = true;
        var job = await h.SubmitAsync(PaidJob());
        var first = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal(ExecutionState.Cancelled, first.State);
        Assert.False(JobStateMachine.IsTerminal((await h.JobAsync(job.Job.Id)).State));

        h.Flaky.UnavailableOnOpen = false;
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.DrainAsync();

        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal(2, executions.Count);
        Assert.Null(executions[0].DealId);
        Assert.Equal(DealStatus.Settled, executions[1].DealStatus);
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task FreeJob_NoBudgetAndNoDefault_OpensNoDeal()
    {
        await using var h = await MarketHarness.CreateAsync();
        h.AddNode();
        var job = await h.SubmitAsync(TestJobs.Noop());
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((ExecutionState.Completed, (string?)null), (execution.State, execution.DealId));
        Assert.Equal(MarketHarness.ClientFunds, await h.BalanceAsync(h.Client));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CrashBetweenTerminalAndSettled_NextPassAfterReopenSettlesExactlyOnce(bool ledgerCommittedBeforeCrash)
    {
        await using var h = await MarketHarness.CreateAsync();
        h.AddNode();
        h.Flaky.CrashBeforeClose = !ledgerCommittedBeforeCrash;
        h.Flaky.CrashAfterClose = ledgerCommittedBeforeCrash;
        var job = await h.Orchestrator.SubmitAsync(PaidJob(), cancellationToken: TestContext.Token);
        await h.Worker().RunOnceAsync(TestContext.Token);
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((ExecutionState.Completed, DealStatus.Open), (execution.State, execution.DealStatus));

        await h.CloseAsync();
        await h.OpenAsync();
        h.AddNode();
        Assert.Equal(1, await h.Orchestrator.RecoverAsync([NodeId.Parse("n-provider")], TestContext.Token));
        await h.DrainAsync();
        await h.DrainAsync();

        execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        var (cost, fee) = MarketHarness.Price(Fuel, Budget);
        Assert.Equal((DealStatus.Settled, cost - fee, Budget - cost), (execution.DealStatus, execution.Paid, execution.Refunded));
        Assert.NotNull(execution.SettlementTxCid);
        var settles = 0;
        await foreach (var e in h.Ledger.HistoryAsync(h.OrchestratorKey.Did.Text, TestContext.Token))
        {
            settles += e.Type == TxTypes.DealSettle ? 1 : 0;
        }

        Assert.Equal(1, settles);
        Assert.Equal(MarketHarness.ClientFunds - cost, await h.BalanceAsync(h.Client));
        Assert.Equal(MarketHarness.ProviderFunds + cost - fee, await h.BalanceAsync(h.Provider));
        var history = await h.Store.GetHistoryAsync(job.Job.Id, TestContext.Token);
        Assert.Single(history, e => e.Details?.Contains("settled", StringComparison.Ordinal) == true);
        await h.AssertLedgerSoundAsync();
    }

    [Theory(Timeout = 60_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CrashAroundDealOpen_AfterRestartTheDealIsClosedOrForgottenAndTheJobRetried(bool ledgerCommittedBeforeCrash)
    {
        await using var h = await MarketHarness.CreateAsync();
        h.AddNode();
        h.Flaky.CrashBeforeOpen = !ledgerCommittedBeforeCrash;
        h.Flaky.CrashAfterOpen = ledgerCommittedBeforeCrash;
        var job = await h.Orchestrator.SubmitAsync(PaidJob(), cancellationToken: TestContext.Token);
        await h.Worker().RunOnceAsync(TestContext.Token);
        var cut = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((ExecutionState.BidAccepted, cut.Id.Value, (DealStatus?)null), (cut.State, cut.DealId, cut.DealStatus));

        await h.CloseAsync();
        await h.OpenAsync();
        h.AddNode();
        await h.Orchestrator.RecoverAsync([NodeId.Parse("n-provider")], TestContext.Token);
        for (var i = 0; i < 3; i++)
        {
            await h.DrainAsync();
            h.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal(2, executions.Count);
        if (ledgerCommittedBeforeCrash)
        {
            Assert.Equal((cut.Id.Value, DealStatus.Failed, Budget), (executions[0].DealId, executions[0].DealStatus, executions[0].Refunded));
        }
        else
        {
            Assert.Equal(((string?)null, (DealStatus?)null), (executions[0].DealId, executions[0].DealStatus));
            Assert.Null(await h.Market.GetDealAsync(cut.Id.Value, TestContext.Token));
        }

        Assert.Equal(DealStatus.Settled, executions[1].DealStatus);
        var (cost, _) = MarketHarness.Price(Fuel, Budget);
        Assert.Equal(MarketHarness.ClientFunds - cost, await h.BalanceAsync(h.Client));
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Restart_ExecutionLostByRestartedNode_FailsRefundsAndRetriesUnderANewDeal()
    {
        await using var h = await MarketHarness.CreateAsync();
        h.AddNode(behavior: FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(PaidJob());
        var lost = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal((ExecutionState.Running, DealStatus.Open), (lost.State, lost.DealStatus));

        await h.CloseAsync();
        await h.OpenAsync();
        h.AddNode();
        Assert.Equal(1, await h.Orchestrator.RecoverAsync([NodeId.Parse("n-provider")], TestContext.Token));
        for (var i = 0; i < 3; i++)
        {
            await h.DrainAsync();
            h.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
        var executions = await h.ExecutionsAsync(job.Job.Id);
        Assert.Equal(2, executions.Count);
        Assert.Equal((ExecutionState.Failed, DealStatus.Failed, Budget), (executions[0].State, executions[0].DealStatus, executions[0].Refunded));
        Assert.Contains("restarted", executions[0].StateMessage, StringComparison.Ordinal);
        Assert.Equal((ExecutionState.Completed, DealStatus.Settled), (executions[1].State, executions[1].DealStatus));
        var (cost, _) = MarketHarness.Price(Fuel, Budget);
        Assert.Equal(MarketHarness.ClientFunds - cost, await h.BalanceAsync(h.Client));
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecutionEndingDuringAPass_JobIsFinishedOnlyAfterItsDealSettled()
    {
        // An execution that completes after a pass's first settlement round but before the pass reads
        // the executions was counted as completed, and the job moved to Completed while that deal was
        // still open (a waiting client could read balances from before the settlement). Here the
        // completion is put at exactly that point.
        await using var h = await MarketHarness.CreateAsync();
        var node = h.AddNode(behavior: FakeBehavior.RunUntilTold);
        var job = await h.SubmitAsync(PaidJob());
        var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
        Assert.Equal(ExecutionState.Running, execution.State);

        var (store, spy) = StoreSpy.Wrap(h.Store);
        var scheduler = new JobScheduler(store, h.Nodes, NodeSelector.Default, h.Options, h.Clock, h.Flaky, new MarketOptions { DefaultClient = h.Client.Did.Text });
        var completed = false;
        spy.BeforeGetJob = async _ =>
        {
            if (!completed)
            {
                completed = true;
                await node.CompleteAsync(execution.Id, TestContext.Token);
            }
        };
        var dealWhenFinished = new List<DealStatus?>();
        spy.BeforeJobState = async (_, state) =>
        {
            if (JobStateMachine.IsTerminal(state))
            {
                dealWhenFinished.Add((await h.Store.GetExecutionAsync(execution.Id, TestContext.Token))!.DealStatus);
            }
        };
        await scheduler.ProcessAsync(new EvaluationRecord { Id = EvaluationId.New(), JobId = job.Job.Id, TriggeredBy = EvaluationTrigger.ExecutionUpdated }, TestContext.Token);

        Assert.True(completed);
        Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
        Assert.Equal([DealStatus.Settled], dealWhenFinished);
        var (cost, _) = MarketHarness.Price(Fuel, Budget);
        Assert.Equal(MarketHarness.ClientFunds - cost, await h.BalanceAsync(h.Client));
        await h.AssertLedgerSoundAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task HundredJobsConcurrently_AllSettledOnce()
    {
        await using var h = await MarketHarness.CreateAsync();
        h.AddNode();
        var jobs = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => h.Orchestrator.SubmitAsync(PaidJob(budget: 500), cancellationToken: TestContext.Token)));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => h.Worker($"w{i}").DrainAsync(TestContext.Token))));
        await h.DrainAsync();

        var (cost, fee) = MarketHarness.Price(Fuel, 500);
        var deals = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            Assert.Equal(JobState.Completed, (await h.JobAsync(job.Job.Id)).State);
            var execution = Assert.Single(await h.ExecutionsAsync(job.Job.Id));
            Assert.Equal((DealStatus.Settled, cost - fee), (execution.DealStatus, execution.Paid));
            Assert.True(deals.Add(execution.DealId!));
        }

        Assert.Equal(100, h.Flaky.Settles);
        Assert.Equal(MarketHarness.ClientFunds - (100 * cost), await h.BalanceAsync(h.Client));
        Assert.Equal(MarketHarness.ProviderFunds + (100 * (cost - fee)), await h.BalanceAsync(h.Provider));
        await h.AssertLedgerSoundAsync();
    }
}
