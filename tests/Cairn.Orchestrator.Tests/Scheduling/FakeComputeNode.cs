using System.Collections.Concurrent;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Orchestrator.Tests.Scheduling;

/// <summary>What the fake node does when its bid is accepted.</summary>
internal enum FakeBehavior
{
    /// <summary>Reports Running, then Completed, before returning.</summary>
    Complete,

    /// <summary>Reports Running, then Failed (exit code 1), before returning.</summary>
    Fail,

    /// <summary>Reports Running and waits for the test to finish it.</summary>
    RunUntilTold,

    /// <summary>Accepts and never reports anything (a node that died after its bid).</summary>
    Silent,
}

/// <summary>
/// A TEST DOUBLE of a compute node: it runs nothing. It bids by the test's policy and reports the
/// outcomes the test scripts through the orchestrator's real <see cref="IComputeCallback"/>, in
/// process, exactly as the real compute node will. Given a <see cref="LedgerKey"/> it signs a real
/// usage report for each deal it runs under, so settlement on a real ledger is exercised.
/// </summary>
internal sealed class FakeComputeNode : IComputeNode
{
    private readonly IComputeCallback _callback;

    public FakeComputeNode(string id, IComputeCallback callback, FakeBehavior behavior = FakeBehavior.Complete, long price = 0, IReadOnlyDictionary<string, string>? labels = null, string[]? engines = null)
    {
        Id = NodeId.Parse(id);
        _callback = callback;
        Behavior = behavior;
        var capacity = new Resources { CpuMillis = 4000, MemoryBytes = 8L << 30, DiskBytes = 100L << 30 };
        Info = new NodeInfo
        {
            Id = Id,
            Engines = engines ?? ["noop", "wasm"],
            Labels = labels ?? new Dictionary<string, string>(),
            Capacity = capacity,
            Available = capacity,
            Price = price,
        };
    }

    public NodeId Id { get; }

    /// <summary>The provider's key: with it, completions carry a usage report signed for the execution's deal.</summary>
    public LedgerKey? Key { get; set; }

    /// <summary>The usage every completion reports.</summary>
    public Usage Usage { get; set; } = new(100, 0, 0);

    /// <summary>Sign usage reports with this key instead (a forged report).</summary>
    public LedgerKey? ForgeWith { get; set; }

    public ConcurrentDictionary<ExecutionId, DealTerms> Deals { get; } = new();

    public NodeInfo Info { get; set; }

    public FakeBehavior Behavior { get; set; }

    public Func<AskBidRequest, BidResult>? BidPolicy { get; set; }

    public Dictionary<Cid, long> LocalBlocks { get; } = [];

    public ConcurrentDictionary<ExecutionId, Job> Running { get; } = new();

    public ConcurrentQueue<ExecutionId> Accepted { get; } = new();

    public ConcurrentQueue<ExecutionId> Cancelled { get; } = new();

    public bool Unreachable { get; set; }

    public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        Unreachable ? throw new CairnException(ErrorCode.ServiceUnavailable, $"{Id} is unreachable") : Task.FromResult(Info);

    public Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default) =>
        Task.FromResult(cids.Sum(c => LocalBlocks.TryGetValue(c, out var size) ? size : 0));

    public Task<BidResult> AskBidAsync(AskBidRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(BidPolicy?.Invoke(request) ?? new BidResult { ExecutionId = request.ExecutionId, Accepted = true, Price = Info.Price });

    public async Task BidAcceptedAsync(BidAcceptedRequest request, CancellationToken cancellationToken = default)
    {
        Accepted.Enqueue(request.ExecutionId);
        if (request.Deal is { } deal)
        {
            Deals[request.ExecutionId] = deal;
        }

        if (Behavior == FakeBehavior.Silent)
        {
            return;
        }

        Running[request.ExecutionId] = request.Job;
        await ReportAsync(request.ExecutionId, ExecutionState.Running, cancellationToken: cancellationToken);
        switch (Behavior)
        {
            case FakeBehavior.Complete:
                await CompleteAsync(request.ExecutionId, cancellationToken);
                break;
            case FakeBehavior.Fail:
                await FailAsync(request.ExecutionId, "exit code 1", cancellationToken);
                break;
        }
    }

    public Task CancelAsync(CancelExecutionRequest request, CancellationToken cancellationToken = default)
    {
        Cancelled.Enqueue(request.ExecutionId);
        Running.TryRemove(request.ExecutionId, out _);
        return Task.CompletedTask;
    }

    public Task CompleteAsync(ExecutionId id, CancellationToken cancellationToken = default)
    {
        Running.TryRemove(id, out _);
        SignedUsageReport? report = null;
        if (Key is not null && Deals.TryGetValue(id, out var deal))
        {
            List<Cid> results = [Cid.Compute(1, Multicodec.Raw, System.Text.Encoding.UTF8.GetBytes("receipt of " + id.Value))];
            var signature = UsageReports.Sign(ForgeWith ?? Key, deal.DealId, Usage, results);
            report = new SignedUsageReport(deal.DealId, Usage, results.ConvertAll(c => c.ToString()), Convert.ToBase64String(signature));
        }

        return ReportAsync(id, ExecutionState.Completed, new RunResult { ExitCode = 0, Usage = Usage, UsageReport = report }, cancellationToken: cancellationToken);
    }

    public Task FailAsync(ExecutionId id, string message, CancellationToken cancellationToken = default)
    {
        Running.TryRemove(id, out _);
        return ReportAsync(id, ExecutionState.Failed, new RunResult { ExitCode = 1, Error = message }, message, cancellationToken);
    }

    public Task ReportAsync(ExecutionId id, ExecutionState state, RunResult? result = null, string? message = null, CancellationToken cancellationToken = default) =>
        _callback.ReportAsync(new ExecutionReport { ExecutionId = id, NodeId = Id, State = state, Result = result, Message = message }, cancellationToken);
}
