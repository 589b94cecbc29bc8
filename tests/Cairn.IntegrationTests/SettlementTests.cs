using Cairn.ApiModels;
using Cairn.Jobs;
using Cairn.Ledger;
using Cairn.Market;

namespace Cairn.IntegrationTests;

/// <summary>
/// The market side of the loop on a real node: what the ledger shows after a job completed, failed
/// or was stopped, checked against the metered usage and the offer's price, and a full replay-verify
/// of the ledger file after each.
/// </summary>
public class SettlementTests
{
    private const long Price = 2000;

    [Fact(Timeout = 120_000)]
    public async Task CompletedJob_PaysUsageTimesPriceAndRefundsTheRest_LedgerVerifies()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct, o => o with { Prices = new UsagePrices(Price, 1, 1) });
        {
            var before = await BalancesAsync(node, ct);

            var job = await node.RunAsync(Modules.TasksSpec(["sleepy", "2"], jobExtra: "Payment: {Budget: 50000}\n"), ct);
            job = await node.WaitSettledAsync(job.Job.ID, ct);

            Assert.True(job.Job.State == JobState.Completed, job.Job.StateMessage);
            var execution = Assert.Single(job.Executions);
            var fuel = execution.Usage!.Fuel;
            Assert.True(fuel > 2_000_000, $"the module burned {fuel} fuel");
            var cost = fuel * Price / 1_000_000;
            var fee = cost * 100 / 10_000;
            Assert.Equal(DealStatus.Settled, execution.DealStatus);
            Assert.Equal(cost - fee, execution.Paid);
            Assert.Equal(50_000 - cost, execution.Refunded);
            Assert.NotNull(execution.DealTxCID);
            Assert.NotNull(execution.SettlementTxCID);

            var after = await BalancesAsync(node, ct);
            Assert.Equal(before.Client - cost, after.Client);
            Assert.Equal(before.Provider + cost - fee, after.Provider);
            Assert.Equal(before.Treasury + fee, after.Treasury);

            // The settlement names the receipt the node signed.
            var deal = await node.Client.GetDealAsync(execution.DealID!, ct);
            Assert.Equal(DealStatus.Settled, deal.Status);
        }

        await node.StopNodeAsync(ct);
        AssertVerifies(node.Node.Home.LedgerPath, ct);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("exit", "code 3")]
    [InlineData("trap", "unreachable")]
    [InlineData("fuel", "fuel")]
    [InlineData("timeout", "timeout")]
    public async Task FailingModule_FailsTheJobWithTheReason_AndRefundsTheDeal(string how, string reason)
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct, o => o with { Prices = new UsagePrices(Price, 1, 1), Scheduler = TestNode.FastScheduler with { MaxAttempts = 1 } });
        {
            var before = await BalancesAsync(node, ct);
            var spec = how switch
            {
                "exit" => Modules.TasksSpec(["exit", "3"]),
                "trap" => Modules.TasksSpec(["trap"]),

                // A budget of 10 at 2000 per million fuel buys 5,000 fuel.
                "fuel" => Modules.TasksSpec(["loop"], jobExtra: "Payment: {Budget: 10}\n"),
                _ => Modules.TasksSpec(["loop"], taskExtra: "    Timeouts: {ExecutionTimeout: 1}\n", jobExtra: "Payment: {Budget: 1000000000}\n"),
            };

            var job = await node.RunAsync(spec, ct);

            Assert.Equal(JobState.Failed, job.Job.State);
            var execution = Assert.Single(job.Executions);
            Assert.Equal(ExecutionState.Failed, execution.State);
            Assert.Contains(reason, (execution.StateMessage ?? string.Empty) + " " + job.Job.StateMessage, StringComparison.OrdinalIgnoreCase);
            job = await node.WaitSettledAsync(job.Job.ID, ct);
            Assert.Equal(DealStatus.Failed, job.Executions[0].DealStatus);
            Assert.Equal(before, await BalancesAsync(node, ct));
        }

        await node.StopNodeAsync(ct);
        AssertVerifies(node.Node.Home.LedgerPath, ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task AJobSeenFinished_HasItsDealsAlreadyClosed()
    {
        // Whoever waits for a job (job run --wait, the demo) reads the balances next: by the time a
        // job shows Completed or Failed, every deal of its executions must be closed on the ledger.
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct, o => o with { Scheduler = TestNode.FastScheduler with { MaxAttempts = 1 } });
        var specs = Enumerable.Range(0, 6).Select(i => i % 3 == 2 ? Modules.TasksSpec(["exit", "4"]) : Modules.TasksSpec(["sleepy", "1"], jobExtra: "Payment: {Budget: 50000}\n"));
        var jobs = await Task.WhenAll(specs.Select(spec => node.RunAsync(spec, ct)));

        foreach (var job in jobs)
        {
            var execution = Assert.Single(job.Executions);
            var expected = job.Job.State == JobState.Completed ? DealStatus.Settled : DealStatus.Failed;
            Assert.True(execution.DealStatus == expected, $"job {job.Job.ID} is {job.Job.State} but its deal is {execution.DealStatus?.ToString() ?? "not closed"}");
        }

        Assert.Equal(4, jobs.Count(j => j.Job.State == JobState.Completed));
    }

    [Fact(Timeout = 120_000)]
    public async Task FailingJob_IsRetried_WithANewDealPerAttempt()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct, o => o with { Scheduler = TestNode.FastScheduler with { MaxAttempts = 3 } });
        var before = await BalancesAsync(node, ct);

        var job = await node.RunAsync(Modules.TasksSpec(["exit", "7"]), ct);
        job = await node.WaitSettledAsync(job.Job.ID, ct);

        Assert.Equal(JobState.Failed, job.Job.State);
        Assert.Equal([1, 2, 3], job.Executions.Select(e => e.Attempt).Order());
        Assert.All(job.Executions, e => Assert.Equal(ExecutionState.Failed, e.State));
        Assert.Equal(3, job.Executions.Select(e => e.DealID).Distinct().Count());
        Assert.Equal(before, await BalancesAsync(node, ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task StopMidRun_CancelsTheExecutionAndRefunds()
    {
        var ct = TestContext.Current;
        await using var node = await TestNode.StartAsync(ct);
        var before = await BalancesAsync(node, ct);
        var submitted = await node.Client.SubmitJobAsync(Modules.TasksSpec(["loop"], jobExtra: "Payment: {Budget: 1000000000}\n"), null, ct);
        await node.WaitAsync(submitted.JobID, j => j.Executions.Any(e => e.State == ExecutionState.Running), ct);

        var stopped = await node.Client.StopJobAsync(submitted.JobID, "enough", ct);

        Assert.Equal(JobState.Stopped, stopped.State);
        var job = await node.WaitAsync(
            submitted.JobID,
            j => j.Executions.All(e => ExecutionStateMachine.IsTerminal(e.State) && e.DealStatus is not null and not DealStatus.Open),
            ct);
        Assert.Equal(ExecutionState.Cancelled, Assert.Single(job.Executions).State);
        Assert.Equal(DealStatus.Failed, job.Executions[0].DealStatus);
        Assert.Equal(before, await BalancesAsync(node, ct));
        var history = await node.Client.GetJobHistoryAsync(submitted.JobID, ct);
        Assert.Contains(history.Items, h => h.NewState == nameof(JobState.Stopped) && (h.Details ?? string.Empty).Contains("enough", StringComparison.Ordinal));
    }

    internal static async Task<Balances> BalancesAsync(TestNode node, CancellationToken cancellationToken) =>
        new(
            await node.BalanceAsync(node.Node.ClientDid, cancellationToken),
            await node.BalanceAsync(node.Node.NodeDid, cancellationToken),
            await node.BalanceAsync(node.Node.TreasuryDid, cancellationToken));

    internal static void AssertVerifies(string ledgerPath, CancellationToken cancellationToken)
    {
        var report = EmbeddedLedger.Verify(ledgerPath, cancellationToken);
        Assert.True(report.Ok, $"ledger verify failed at height {report.BadHeight}: {report.Reason}");
    }

    internal sealed record Balances(long Client, long Provider, long Treasury);
}
