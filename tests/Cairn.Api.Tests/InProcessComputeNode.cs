using System.Collections.Concurrent;
using System.Text;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Jobs.Execution;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Api.Tests;

/// <summary>
/// A TEST DOUBLE of a compute node, because the real ComputeNode lands on another branch: it runs
/// no engine. When its bid is accepted it writes a stdout line and an output file into the real
/// content store, streams the line through <see cref="IExecutionLogs"/>, and reports Running then
/// Completed through the orchestrator's real callback. A job labelled <c>hold=true</c> stays
/// Running until it is cancelled, so stop can be tested.
/// </summary>
internal sealed class InProcessComputeNode : IComputeNode, IExecutionLogs
{
    private readonly ContentRepo _repo;
    private readonly ConcurrentDictionary<ExecutionId, List<LogChunk>> _logs = new();
    private readonly ConcurrentDictionary<ExecutionId, TaskCompletionSource> _ended = new();
    private readonly ConcurrentDictionary<ExecutionId, bool> _broken = new();
    private readonly ConcurrentBag<Task> _work = [];

    public InProcessComputeNode(ContentRepo repo)
    {
        _repo = repo;
        var capacity = new Resources { CpuMillis = 4000, MemoryBytes = 8L << 30, DiskBytes = 100L << 30 };
        Info = new NodeInfo { Id = Id, Engines = ["noop", "wasm"], InputSources = ["ipfs", "inline"], Capacity = capacity, Available = capacity, Labels = new Dictionary<string, string> { ["region"] = "test" } };
    }

    public IComputeCallback? Callback { get; set; }

    public NodeId Id { get; } = NodeId.Parse("n-api-test");

    public NodeInfo Info { get; }

    public ConcurrentQueue<ExecutionId> Cancelled { get; } = new();

    public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) => Task.FromResult(Info);

    public Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default) => Task.FromResult(0L);

    public Task<BidResult> AskBidAsync(AskBidRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new BidResult { ExecutionId = request.ExecutionId, Accepted = true, Price = 1 });

    public Task BidAcceptedAsync(BidAcceptedRequest request, CancellationToken cancellationToken = default)
    {
        // Run after the scheduler's pass returns, as a real node does.
        _work.Add(Task.Run(() => RunAsync(request), CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task CancelAsync(CancelExecutionRequest request, CancellationToken cancellationToken = default)
    {
        Cancelled.Enqueue(request.ExecutionId);
        Ended(request.ExecutionId).TrySetResult();
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<LogChunk> ReadAsync(ExecutionId executionId, bool follow, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();

        if (_broken.ContainsKey(executionId))
        {
            throw new CairnException(ErrorCode.IoError, $"The log file of {executionId} is unreadable.");
        }

        // As the real node does for an execution it does not know (after a restart, say).
        if (!_logs.TryGetValue(executionId, out var chunks))
        {
            throw new CairnException(ErrorCode.NotFound, $"Compute node {Id} has no logs of execution {executionId}.");
        }

        foreach (var chunk in chunks.ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return chunk;
        }

        // Following a live execution: the stream stays open until it ends, then says what came last.
        if (follow)
        {
            await Ended(executionId).Task.WaitAsync(cancellationToken);
            yield return new LogChunk(LogSource.Stderr, Encoding.UTF8.GetBytes("ended\n"));
        }
    }

    private TaskCompletionSource Ended(ExecutionId id) => _ended.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Waits for the executions it is running, so the host can close the store under none of them.</summary>
    public async Task DrainAsync()
    {
        foreach (var task in _work)
        {
            try
            {
                await task;
            }
            catch (CairnException)
            {
                // A report the orchestrator refused (the job was stopped meanwhile): nothing left to do.
            }
        }
    }

    /// <summary>Makes reading an execution's logs fail as a damaged disk would.</summary>
    public void BreakLogs(ExecutionId executionId) => _broken[executionId] = true;

    /// <summary>Drops what the node remembers of an execution's logs, as a restart would.</summary>
    public void Forget(ExecutionId executionId)
    {
        _logs.TryRemove(executionId, out _);
        _broken.TryRemove(executionId, out _);
    }

    public static string StdoutOf(ExecutionId id) => $"hello from {id} — ünïcödé\n";

    public static string StderrOf(ExecutionId id) => $"warning from {id}\n";

    public static string OutputOf(Job job) => $"result of {job.Name}\n";

    private async Task RunAsync(BidAcceptedRequest request)
    {
        var callback = Callback!;
        await callback.ReportAsync(new ExecutionReport { ExecutionId = request.ExecutionId, NodeId = Id, State = ExecutionState.Running });
        var stdout = Encoding.UTF8.GetBytes(StdoutOf(request.ExecutionId) + (request.Job.Meta.TryGetValue("pad", out var pad) ? new string('x', int.Parse(pad, System.Globalization.CultureInfo.InvariantCulture)) : string.Empty));
        var stderr = Encoding.UTF8.GetBytes(StderrOf(request.ExecutionId));

        // Split the stdout mid-character so the server's decoder has to keep it whole.
        var split = Array.IndexOf(stdout, (byte)0xC3) + 1;
        _logs[request.ExecutionId] = [new LogChunk(LogSource.Stdout, stdout.AsMemory(0, split)), new LogChunk(LogSource.Stdout, stdout.AsMemory(split)), new LogChunk(LogSource.Stderr, stderr)];
        if (request.Job.Labels.TryGetValue("hold", out var hold) && hold == "true")
        {
            return;
        }

        Ended(request.ExecutionId).TrySetResult();
        var importer = new UnixFsImporter(_repo.Blocks, new ImportOptions());
        var stdoutCid = (await importer.ImportFileAsync(new MemoryStream(stdout), null, null, CancellationToken.None)).Cid;
        var stderrCid = (await importer.ImportFileAsync(new MemoryStream(stderr), null, null, CancellationToken.None)).Cid;
        var output = (await importer.ImportFileAsync(new MemoryStream(Encoding.UTF8.GetBytes(OutputOf(request.Job))), null, null, CancellationToken.None)).Cid;
        await callback.ReportAsync(new ExecutionReport
        {
            ExecutionId = request.ExecutionId,
            NodeId = Id,
            State = ExecutionState.Completed,
            Result = new RunResult
            {
                ExitCode = 0,
                Outputs = new Dictionary<string, string> { ["outputs"] = output.ToString() },
                StdoutCid = stdoutCid.ToString(),
                StderrCid = stderrCid.ToString(),
                Usage = new Usage(1000, 10, 1),
                UsageReport = request.Job.Meta.TryGetValue("deal", out var deal) ? new SignedUsageReport(deal, new Usage(1000, 10, 1), [output.ToString()], "not-signed-by-this-double") : null,
            },
        });
    }
}
