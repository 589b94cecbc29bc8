using System.Collections.Concurrent;
using Cairn.ApiModels;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Multiformats;
using Cairn.Orchestrator.Scheduling;
using Microsoft.Extensions.Logging;

namespace Cairn.Orchestrator.Replication;

/// <summary>
/// Storage automation: keeps N copies of a DAG across the compute nodes (<c>cairn pin add CID --replicas N</c>).
/// A loop looks at every replicated pin each <see cref="ReplicationOptions.Interval"/> and at once after
/// a change: holders that left the node directory are replaced after <see cref="ReplicationOptions.MissingGrace"/>
/// by asking other connected nodes (<see cref="IReplicaHolder"/>) to fetch the DAG from the survivors,
/// verify it and pin it; holders are asked now and then whether they still have their copy; extra
/// copies (fewer replicas asked, a lost node back) are dropped from the newest holders.
/// </summary>
public sealed class ReplicationManager : IAsyncDisposable
{
    private const string Pinned = "pinned";
    private const string Lost = "lost";

    private readonly SqliteReplicaStore _store;
    private readonly INodeDirectory _directory;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DateTimeOffset _started;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _round = new(1, 1);

    // What the loop knows beyond the store: since when a holder is away, when it was last verified,
    // copies being made now, and each pin's last problem.
    private readonly ConcurrentDictionary<(string Cid, string Node), DateTimeOffset> _missingSince = new();
    private readonly ConcurrentDictionary<(string Cid, string Node), DateTimeOffset> _verifiedAt = new();
    private readonly ConcurrentDictionary<(string Cid, string Node), int> _failures = new();
    private readonly ConcurrentDictionary<(string Cid, string Node), DateTimeOffset> _retryAt = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _pinning = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _repairs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _messages = new(StringComparer.Ordinal);
    private Task? _loop;

    /// <summary>Creates the manager; <see cref="Start"/> begins its loop.</summary>
    public ReplicationManager(SqliteReplicaStore store, INodeDirectory directory, ReplicationOptions options, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _directory = directory;
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _started = timeProvider.GetUtcNow();
    }

    /// <summary>Starts the loop.</summary>
    public void Start() => _loop ??= Task.Run(LoopAsync);

    /// <summary>Keeps <paramref name="replicas"/> copies of <paramref name="cid"/> (adds the pin or changes its count).</summary>
    public async Task<ReplicaView> AddAsync(Cid cid, int replicas, string? name, CancellationToken cancellationToken = default)
    {
        if (replicas < 1)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"--replicas must be 1 or more (got {replicas}).")
            {
                Hint = "To stop replicating, remove the pin: `cairn pin rm --network CID`.",
            };
        }

        var key = cid.ToString();
        _messages.TryRemove(key, out _);
        var record = await _store.UpsertAsync(key, replicas, string.IsNullOrWhiteSpace(name) ? null : name, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        Wake();
        return View(record);
    }

    /// <summary>One replicated pin, or null when there is none for <paramref name="cid"/>.</summary>
    public async Task<ReplicaView?> GetAsync(Cid cid, CancellationToken cancellationToken = default) =>
        await _store.GetAsync(cid.ToString(), cancellationToken).ConfigureAwait(false) is { } record ? View(record) : null;

    /// <summary>Every replicated pin.</summary>
    public async Task<IReadOnlyList<ReplicaView>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await _store.ListAsync(cancellationToken).ConfigureAwait(false)).Select(View)];

    /// <summary>
    /// Stops replicating <paramref name="cid"/>: forgets the pin and asks every connected holder to drop its
    /// replica pin (each node's own pins stay; a holder away now keeps its copy until its operator unpins it).
    /// Returns the pin as it was, or null when there was none.
    /// </summary>
    public async Task<ReplicaView?> RemoveAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var key = cid.ToString();
        if (await _store.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
        }

        var view = View(record);

        // Not while a round runs: it could start a copy of a pin removed under it.
        await _round.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _store.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _round.Release();
        }

        var nodes = record.Holders.Select(h => h.Node).ToList();
        if (_repairs.TryGetValue(key, out var repair))
        {
            // Copies being made now are pinned after the removal: let them finish, then drop them too.
            nodes.AddRange(_pinning.GetValueOrDefault(key) ?? []);
            await repair.ConfigureAwait(false);
        }

        foreach (var holder in nodes.Distinct(StringComparer.Ordinal))
        {
            if (Holder(holder) is { } node)
            {
                try
                {
                    await node.UnpinReplicaAsync(key, cancellationToken).ConfigureAwait(false);
                    Log.ReplicaDropped(_logger, key, holder, "the pin was removed");
                }
                catch (CairnException e)
                {
                    Log.ReplicaPinFailed(_logger, key, holder, "could not drop the copy: " + e.Message);
                }
            }
        }

        ForgetMemory(key);
        return view;
    }

    /// <summary>Looks at every pin once and starts the repairs it needs (the loop calls it; tests may too).</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken = default)
    {
        await _round.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var record in await _store.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                await ReconcileAsync(record, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _round.Release();
        }
    }

    /// <summary>Waits until the copies being made now are done (tests).</summary>
    public Task WhenRepairsDoneAsync() => Task.WhenAll(_repairs.Values);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(_repairs.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
        _wake.Dispose();
        _round.Dispose();
    }

    private async Task LoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(token).ConfigureAwait(false);
                await _wake.WaitAsync(_options.Interval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A round that failed (a store error, a node answering nonsense) must not end the loop:
                // log it and try again next interval.
                Log.ReplicationRoundFailed(_logger, e);
                await Task.Delay(_options.Interval, _time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    private async Task ReconcileAsync(ReplicaRecord record, CancellationToken cancellationToken)
    {
        var cid = record.Cid;
        var now = _time.GetUtcNow();
        var alive = new List<(ReplicaHolderRecord Record, IReplicaHolder Node)>();
        var away = 0;
        foreach (var holder in record.Holders)
        {
            var node = Holder(holder.Node);
            var key = (cid, holder.Node);
            if (holder.State == Pinned && node is null)
            {
                // Away from the directory: counted until the grace period ends, then replaced.
                var since = _missingSince.GetOrAdd(key, _ => now > _started ? now : _started);
                if (now - since < _options.MissingGrace)
                {
                    away++;
                    continue;
                }

                var reason = $"the node has been away since {since:u}";
                await _store.SetHolderAsync(cid, holder with { State = Lost, Message = reason }, cancellationToken).ConfigureAwait(false);
                Log.ReplicaLost(_logger, cid, holder.Node, reason);
                continue;
            }

            _missingSince.TryRemove(key, out _);
            if (node is null)
            {
                continue;
            }

            // A connected holder, pinned or once lost: ask it now and then whether it has the copy.
            if (_verifiedAt.TryGetValue(key, out var verified) && now - verified < _options.VerifyInterval)
            {
                if (holder.State == Pinned)
                {
                    alive.Add((holder, node));
                }

                continue;
            }

            ReplicaState state;
            try
            {
                state = await node.GetReplicaAsync(cid, cancellationToken).ConfigureAwait(false);
            }
            catch (CairnException) when (holder.State == Pinned)
            {
                // Could not ask (a dropped connection, a timeout): it still counts; asked again next round.
                alive.Add((holder, node));
                continue;
            }
            catch (CairnException)
            {
                continue;
            }

            _verifiedAt[key] = now;
            if (state.Pinned)
            {
                var pinned = holder with { State = Pinned, Bytes = state.Bytes, GatewayUrl = node.GatewayUrl ?? holder.GatewayUrl, Message = null };
                if (holder.State != Pinned)
                {
                    await _store.SetHolderAsync(cid, pinned with { PinnedAt = now }, cancellationToken).ConfigureAwait(false);
                }

                alive.Add((pinned, node));
            }
            else if (holder.State == Pinned)
            {
                const string reason = "the node no longer has the whole DAG pinned";
                await _store.SetHolderAsync(cid, holder with { State = Lost, Message = reason }, cancellationToken).ConfigureAwait(false);
                Log.ReplicaLost(_logger, cid, holder.Node, reason);
            }
        }

        if (_repairs.ContainsKey(cid))
        {
            return;
        }

        var have = alive.Count + away;
        if (have < record.Replicas)
        {
            StartRepair(record, alive, record.Replicas - have);
        }
        else if (alive.Count > record.Replicas)
        {
            // Too many copies: drop the newest ones (a repair made while a holder was away, now back).
            var why = $"{alive.Count} copies held, {record.Replicas} wanted";
            foreach (var (holder, node) in alive.OrderByDescending(h => h.Record.PinnedAt).Take(alive.Count - record.Replicas))
            {
                try
                {
                    await node.UnpinReplicaAsync(cid, cancellationToken).ConfigureAwait(false);
                    await _store.RemoveHolderAsync(cid, holder.Node, cancellationToken).ConfigureAwait(false);
                    Log.ReplicaDropped(_logger, cid, holder.Node, why);
                }
                catch (CairnException e)
                {
                    Log.ReplicaPinFailed(_logger, cid, holder.Node, "could not drop an extra copy: " + e.Message);
                }
            }
        }
        else
        {
            _messages.TryRemove(cid, out _);
        }
    }

    private void StartRepair(ReplicaRecord record, List<(ReplicaHolderRecord Record, IReplicaHolder Node)> alive, int needed)
    {
        var cid = record.Cid;
        var taken = record.Holders.Where(h => h.State == Pinned).Select(h => h.Node).ToHashSet(StringComparer.Ordinal);
        var others = _directory.Nodes.Where(n => n is IReplicaHolder && !taken.Contains(n.Id.ToString())).ToList();
        if (others.Count == 0)
        {
            _messages[cid] = $"{alive.Count} of {record.Replicas} copies; no other connected node can take one";
            return;
        }

        // A node that failed waits before it is asked again (2 s doubling to 5 min), so content that is
        // nowhere does not keep every node fetching; the last failure stays in the pin's message.
        var now = _time.GetUtcNow();
        var eligible = others.Where(n => _retryAt.GetValueOrDefault((cid, n.Id.ToString())) <= now).ToList();
        if (eligible.Count == 0)
        {
            return;
        }

        var sources = alive.Select(a => a.Node.GatewayUrl ?? a.Record.GatewayUrl).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        _pinning[cid] = [];

        // Registered before it runs, so its own cleanup cannot come first and leave it registered forever.
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var repair = Task.Run(async () =>
        {
            await registered.Task.ConfigureAwait(false);
            try
            {
                var candidates = await ChooseAsync(cid, eligible, needed).ConfigureAwait(false);
                _pinning[cid] = [.. candidates.Select(c => c.Id.ToString())];
                await Task.WhenAll(candidates.Select(c => PinOnAsync(cid, c, sources))).ConfigureAwait(false);
            }
            finally
            {
                _pinning.TryRemove(cid, out _);
                _repairs.TryRemove(cid, out _);
                Wake();
            }
        });
        _repairs[cid] = repair;
        registered.SetResult();
    }

    /// <summary>
    /// The nodes to ask for copies: those that failed least for this pin first, then those that hold the
    /// root block already (data locality: a copy where the data is costs no transfer), then by id.
    /// </summary>
    private async Task<List<IComputeNode>> ChooseAsync(string cid, List<IComputeNode> eligible, int needed)
    {
        var root = Cid.Parse(cid);
        var local = await Task.WhenAll(eligible.Select(async n =>
        {
            try
            {
                return await n.GetLocalBytesAsync([root], _stopping.Token).ConfigureAwait(false);
            }
            catch (CairnException)
            {
                return 0L;
            }
        })).ConfigureAwait(false);
        return
        [
            .. eligible
                .Select((n, i) => (Node: n, Local: local[i]))
                .OrderBy(c => _failures.GetValueOrDefault((cid, c.Node.Id.ToString())))
                .ThenByDescending(c => c.Local > 0)
                .ThenBy(c => c.Node.Id.ToString(), StringComparer.Ordinal)
                .Take(needed)
                .Select(c => c.Node),
        ];
    }

    private async Task PinOnAsync(string cid, IComputeNode node, IReadOnlyList<string> sources)
    {
        var id = node.Id.ToString();
        var holder = (IReplicaHolder)node;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.PinTimeout);
            var state = await holder.PinReplicaAsync(new ReplicaRequest { Cid = cid, Sources = sources }, timeout.Token).ConfigureAwait(false);
            if (!state.Pinned)
            {
                throw new CairnException(ErrorCode.Internal, $"node {id} answered that it did not pin {cid}");
            }

            var now = _time.GetUtcNow();
            await _store.SetHolderAsync(cid, new ReplicaHolderRecord(id, Pinned, state.Bytes, holder.GatewayUrl, now, null), CancellationToken.None).ConfigureAwait(false);
            _verifiedAt[(cid, id)] = now;
            _failures.TryRemove((cid, id), out _);
            _retryAt.TryRemove((cid, id), out _);
            Log.ReplicaPinned(_logger, cid, id, state.Bytes, state.BytesFetched);
        }
        catch (Exception e)
        {
            // Whatever went wrong on that node (an error answer, a timeout, a dropped connection, its
            // disk) is this copy's failure: recorded for the pin, and another node is tried next round.
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            var reason = e is OperationCanceledException ? $"no copy within {_options.PinTimeout.TotalSeconds:0}s" : e.Message;
            var failures = _failures.AddOrUpdate((cid, id), 1, (_, n) => n + 1);
            _retryAt[(cid, id)] = _time.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(failures, 9))));
            _messages[cid] = $"node {id} could not make a copy: {reason}";
            Log.ReplicaPinFailed(_logger, cid, id, reason);
        }
    }

    private IReplicaHolder? Holder(string node) =>
        NodeId.TryParse(node, out var id) ? _directory.Find(id) as IReplicaHolder : null;

    private void ForgetMemory(string cid)
    {
        _messages.TryRemove(cid, out _);
        foreach (var dictionary in new[] { _missingSince, _verifiedAt, _retryAt })
        {
            foreach (var key in dictionary.Keys.Where(k => k.Cid == cid))
            {
                dictionary.TryRemove(key, out _);
            }
        }

        foreach (var key in _failures.Keys.Where(k => k.Cid == cid))
        {
            _failures.TryRemove(key, out _);
        }
    }

    private ReplicaView View(ReplicaRecord record)
    {
        var holders = new List<ReplicaHolderView>();
        var healthy = 0;
        var away = 0;
        foreach (var holder in record.Holders)
        {
            var connected = Holder(holder.Node) is not null;
            var state = holder.State == Pinned && !connected ? "missing" : holder.State;
            healthy += state == Pinned ? 1 : 0;
            away += state == "missing" ? 1 : 0;
            holders.Add(new ReplicaHolderView
            {
                NodeID = holder.Node,
                State = state,
                Bytes = holder.Bytes,
                GatewayUrl = holder.GatewayUrl,
                PinnedTime = holder.PinnedAt,
                Message = state == "missing" && _missingSince.TryGetValue((record.Cid, holder.Node), out var since)
                    ? $"away since {since:u}; replaced after {_options.MissingGrace.TotalSeconds:0}s"
                    : holder.Message,
            });
        }

        var pinning = _pinning.TryGetValue(record.Cid, out var nodes) ? nodes : [];
        foreach (var node in pinning.Where(n => holders.All(h => h.NodeID != n || h.State != Pinned)))
        {
            holders.RemoveAll(h => h.NodeID == node);
            holders.Add(new ReplicaHolderView { NodeID = node, State = "pinning" });
        }

        // Short of copies with a reason on record (no node can take one, a node failed to) is
        // under-replicated; otherwise copies are on their way (a new pin, holders away for now).
        var reason = _messages.GetValueOrDefault(record.Cid);
        var status = healthy >= record.Replicas ? "ok" : pinning.Count > 0 || away > 0 || reason is null ? "repairing" : "under-replicated";
        return new ReplicaView
        {
            Cid = record.Cid,
            Replicas = record.Replicas,
            Name = record.Name,
            Healthy = healthy,
            Status = status,
            Message = status == "ok" ? null : reason,
            Holders = holders,
            CreateTime = record.CreatedAt,
        };
    }
}
