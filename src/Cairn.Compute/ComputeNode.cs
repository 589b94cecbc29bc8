using System.Collections.Concurrent;
using Cairn.Content.Storage;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Jobs.Execution;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;
using Microsoft.Extensions.Logging;

namespace Cairn.Compute;

/// <summary>
/// A compute node (Bacalhau's compute node): bids for executions within its capacity, prepares every
/// input into the content store and onto disk read-only, runs the task on its executor, publishes the
/// result paths, stdout and stderr, and signs a receipt — reporting each step to the orchestrator
/// through <see cref="IComputeCallback"/>.
/// </summary>
public sealed partial class ComputeNode : IComputeNode, IExecutionLogs, IAsyncDisposable
{
    private static readonly string[] SourceTypes = ["ipfs", "inline", "url", "local"];

    private readonly ComputeNodeOptions _options;
    private readonly ContentRepo _repo;
    private readonly Dictionary<string, IExecutor> _executors = new(StringComparer.OrdinalIgnoreCase);
    private readonly LedgerKey _nodeKey;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IMarket? _market;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Lock _capacityLock = new();
    private readonly Dictionary<ExecutionId, Reservation> _reservations = [];
    private readonly ConcurrentDictionary<ExecutionId, Run> _runs = new();
    private readonly ConcurrentDictionary<ExecutionId, (Cid Stdout, Cid Stderr)?> _finished = new();
    private readonly ConcurrentQueue<ExecutionId> _finishedOrder = new();
    private readonly ConcurrentDictionary<ExecutionId, Task> _tasks = new();
    private readonly CancellationTokenSource _stopping = new();
    private IComputeCallback? _callback;

    /// <summary>Creates a node; call <see cref="Attach"/> before the orchestrator accepts its bids.</summary>
    /// <param name="options">What the node is and offers.</param>
    /// <param name="repo">The content store inputs come from and results go to.</param>
    /// <param name="executors">The engines the node runs.</param>
    /// <param name="nodeKey">The node's identity: signs receipts and usage reports.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Where the node logs.</param>
    /// <param name="market">The market, acting as the node's account, where the offer is published; null for none.</param>
    /// <param name="httpClient">Fetches <c>url</c> inputs; null for a private one.</param>
    public ComputeNode(
        ComputeNodeOptions options,
        ContentRepo repo,
        IEnumerable<IExecutor> executors,
        LedgerKey nodeKey,
        TimeProvider timeProvider,
        ILogger logger,
        IMarket? market = null,
        HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(executors);
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        Validate(options);
        _options = options;
        _repo = repo;
        foreach (var executor in executors)
        {
            if (!_executors.TryAdd(executor.Engine, executor))
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"Two executors claim the engine \"{executor.Engine}\".");
            }
        }

        _nodeKey = nodeKey;
        _time = timeProvider;
        _logger = logger;
        _market = market;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient();
    }

    /// <inheritdoc />
    public NodeId Id => _options.NodeId;

    /// <summary>The node's account (<c>did:key</c>).</summary>
    public string Account => _nodeKey.Did.Text;

    /// <summary>The engines the node runs, sorted.</summary>
    public IReadOnlyList<string> Engines => [.. _executors.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Attaches the orchestrator that receives this node's execution reports.</summary>
    public void Attach(IComputeCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _callback = callback;
    }

    /// <summary>Creates the work directory and publishes (or updates) the node's offer on the market.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_options.WorkDirectory);
        if (_market is null)
        {
            return;
        }

        var capacity = _options.Capacity;
        var offer = new Offer(
            _market.Account,
            _options.OfferId,
            new ResourceAmounts(capacity.CpuMillis, capacity.MemoryBytes, capacity.DiskBytes, capacity.Gpu),
            Engines,
            _options.Prices,
            _options.MinCollateral,
            _options.Region,
            _options.Labels,
            Active: true);
        var existing = await _market.GetOffersAsync(_market.Account, cancellationToken).ConfigureAwait(false);
        if (existing.Any(o => SameOffer(o, offer)))
        {
            return;
        }

        var tx = await _market.PublishOfferAsync(offer, cancellationToken).ConfigureAwait(false);
        Log.OfferPublished(_logger, offer.Id, offer.Provider, tx.TxCid);
    }

    /// <inheritdoc />
    public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        return Task.FromResult(new NodeInfo
        {
            Id = Id,
            Labels = _options.Labels,
            Engines = Engines,
            InputSources = SourceTypes,
            Capacity = _options.Capacity,
            Available = Available(),
            Price = _options.Prices.PerMegaFuel,
            Account = Account,
            OfferId = _options.OfferId,
        });
    }

    /// <inheritdoc />
    public async Task<long> GetLocalBytesAsync(IReadOnlyList<Cid> cids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cids);
        var visited = new HashSet<Cid>();
        var stack = new Stack<Cid>(cids.Reverse());
        long total = 0;
        while (stack.TryPop(out var cid))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!visited.Add(cid) || cid.HashCode == Multicodec.Identity)
            {
                continue;
            }

            if (cid.Codec == Multicodec.Raw)
            {
                total += await _repo.Blocks.GetSizeAsync(cid, cancellationToken).ConfigureAwait(false) ?? 0;
                continue;
            }

            // A missing block ends its branch: the bytes below it are not here, the rest may be.
            byte[]? block;
            try
            {
                block = await _repo.Blocks.GetAsync(cid, cancellationToken).ConfigureAwait(false);
            }
            catch (CairnException e) when (e.Code == ErrorCode.IntegrityViolation)
            {
                continue;
            }

            if (block is null)
            {
                continue;
            }

            total += block.Length;
            IReadOnlyList<Cid> links;
            try
            {
                links = Content.BlockLinks.Get(cid, block);
            }
            catch (CairnException)
            {
                continue;
            }

            for (var i = links.Count - 1; i >= 0; i--)
            {
                stack.Push(links[i]);
            }
        }

        return total;
    }

    /// <inheritdoc />
    public Task<BidResult> AskBidAsync(AskBidRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.ExecutionId;
        if (!TryGetTask(request.Job, out var task, out var executor, out var reason))
        {
            return Task.FromResult(Decline(id, reason));
        }

        try
        {
            _ = executor.GetArtifacts(task);
        }
        catch (CairnException e)
        {
            return Task.FromResult(Decline(id, e.Message));
        }

        foreach (var input in task.InputSources)
        {
            if (!SourceTypes.Contains(input.Source.Type, StringComparer.OrdinalIgnoreCase))
            {
                return Task.FromResult(Decline(id, $"input source type \"{input.Source.Type}\" is not supported here (this node reads {string.Join(", ", SourceTypes)})"));
            }
        }

        lock (_capacityLock)
        {
            ExpireReservations();
            if (_reservations.ContainsKey(id) || _runs.ContainsKey(id))
            {
                return Task.FromResult(Accept(id));
            }

            var available = AvailableLocked();
            if (!available.Fits(task.Resources))
            {
                return Task.FromResult(Decline(id, $"not enough free capacity: the task asks for {task.Resources}, this node has {available} free of {_options.Capacity}"));
            }

            _reservations[id] = new Reservation(task.Resources, _time.GetUtcNow() + _options.ReservationTimeout);
        }

        return Task.FromResult(Accept(id));
    }

    /// <inheritdoc />
    public Task BidAcceptedAsync(BidAcceptedRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var callback = _callback ?? throw new CairnException(ErrorCode.Internal, $"Compute node {Id} has no orchestrator attached.") { Hint = "Call Attach(callback) before accepting bids." };
        var id = request.ExecutionId;
        if (_tasks.ContainsKey(id) || _finished.ContainsKey(id))
        {
            // A repeated acceptance (e.g. replayed after a reconnect): the execution runs once.
            return Task.CompletedTask;
        }

        if (!TryGetTask(request.Job, out var task, out var executor, out var reason))
        {
            _ = FailLaterAsync(callback, id, reason);
            return Task.CompletedTask;
        }

        lock (_capacityLock)
        {
            ExpireReservations();
            if (!_reservations.Remove(id))
            {
                // The reservation lapsed (or the bid was never asked): run only if it still fits.
                var available = AvailableLocked();
                if (!available.Fits(task.Resources))
                {
                    _ = FailLaterAsync(callback, id, $"not enough free capacity any more: the task asks for {task.Resources}, this node has {available} free");
                    return Task.CompletedTask;
                }
            }

            var run = new Run(id, task.Resources, Path.Combine(_options.WorkDirectory, id.Value), _options.MaxLogBytes, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
            _runs[id] = run;
            run.Task = Task.Run(() => ExecuteAsync(run, request, task, executor, callback), CancellationToken.None);
            _tasks[id] = run.Task;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task CancelAsync(CancelExecutionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_capacityLock)
        {
            _reservations.Remove(request.ExecutionId);
        }

        if (_runs.TryGetValue(request.ExecutionId, out var run))
        {
            run.CancelReason = request.Reason;
            run.Cancellation.Cancel();
        }

        return Task.CompletedTask;
    }

    /// <summary>Waits until the execution (if any) has reported its end and its work directory is cleaned up.</summary>
    public async Task WaitAsync(ExecutionId executionId, CancellationToken cancellationToken = default)
    {
        if (_tasks.TryGetValue(executionId, out var task))
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels every running execution and waits for them to report.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        var tasks = _tasks.Values.ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        _stopping.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static void Validate(ComputeNodeOptions options)
    {
        static void Check(bool ok, string field, string what)
        {
            if (!ok)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"Compute node option {field} {what}.");
            }
        }

        var c = options.Capacity;
        Check(options.NodeId.IsEmpty is false, nameof(options.NodeId), "is required");
        Check(!string.IsNullOrWhiteSpace(options.WorkDirectory), nameof(options.WorkDirectory), "is required");
        Check(c.CpuMillis >= 0 && c.MemoryBytes >= 0 && c.DiskBytes >= 0 && c.Gpu >= 0, nameof(options.Capacity), "must not be negative");
        Check(options.Prices.PerMegaFuel >= 0 && options.Prices.PerCpuSecond >= 0 && options.Prices.PerGbSecond >= 0, nameof(options.Prices), "must not be negative");
        Check(options.MinCollateral >= 0, nameof(options.MinCollateral), "must not be negative");
        Check(options.MaxUrlBytes > 0, nameof(options.MaxUrlBytes), "must be positive");
        Check(options.MaxLogBytes > 0, nameof(options.MaxLogBytes), "must be positive");
        Check(options.ReservationTimeout > TimeSpan.Zero, nameof(options.ReservationTimeout), "must be positive");
        Check(options.ReportAttempts >= 1, nameof(options.ReportAttempts), "must be at least 1");
        Check(!string.IsNullOrWhiteSpace(options.OfferId), nameof(options.OfferId), "is required");
    }

    private static bool SameOffer(Offer a, Offer b) =>
        a.Id == b.Id && a.Provider == b.Provider && a.Active && a.Resources == b.Resources && a.Prices == b.Prices
        && a.MinCollateral == b.MinCollateral && a.Region == b.Region && a.Engines.SequenceEqual(b.Engines)
        && a.Labels.Count == b.Labels.Count && a.Labels.All(kv => b.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private BidResult Accept(ExecutionId id) => new() { ExecutionId = id, Accepted = true, Price = _options.Prices.PerMegaFuel };

    private static BidResult Decline(ExecutionId id, string reason) => new() { ExecutionId = id, Accepted = false, Reason = reason };

    private bool TryGetTask(Job job, out JobTask task, out IExecutor executor, out string reason)
    {
        task = null!;
        executor = null!;
        if (job.Tasks.Count != 1)
        {
            reason = $"the job has {job.Tasks.Count} tasks; a compute node runs jobs of exactly one task";
            return false;
        }

        task = job.Tasks[0];
        if (!_executors.TryGetValue(task.Engine.Type, out executor!))
        {
            reason = $"engine \"{task.Engine.Type}\" is not available here (this node runs {string.Join(", ", Engines)})";
            return false;
        }

        reason = "";
        return true;
    }

    private Resources Available()
    {
        lock (_capacityLock)
        {
            ExpireReservations();
            return AvailableLocked();
        }
    }

    private Resources AvailableLocked()
    {
        var available = _options.Capacity;
        foreach (var reservation in _reservations.Values)
        {
            available = available.Subtract(reservation.Resources);
        }

        foreach (var run in _runs.Values)
        {
            available = available.Subtract(run.Resources);
        }

        return available;
    }

    private void ExpireReservations()
    {
        var now = _time.GetUtcNow();
        List<ExecutionId>? expired = null;
        foreach (var (id, reservation) in _reservations)
        {
            if (reservation.Expires <= now)
            {
                (expired ??= []).Add(id);
            }
        }

        foreach (var id in expired ?? [])
        {
            _reservations.Remove(id);
        }
    }

    private async Task FailLaterAsync(IComputeCallback callback, ExecutionId id, string reason)
    {
        await Task.Yield();
        await ReportAsync(callback, new ExecutionReport { ExecutionId = id, NodeId = Id, State = ExecutionState.Failed, Message = reason }, _stopping.Token).ConfigureAwait(false);
    }

    private sealed record Reservation(Resources Resources, DateTimeOffset Expires);
}
