using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Ledger.Storage;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger;

/// <summary>
/// The embedded ledger: one process appends (the producer), anyone can replay and verify the
/// SQLite file. Submitted transactions are checked (signature on the caller's thread, rules in
/// order on the block builder), batched into a block, and reported committed only after the block
/// is durable.
/// </summary>
public sealed partial class EmbeddedLedger : ILedger, IAsyncDisposable
{
    /// <summary>The largest transaction accepted, encoded (a deal settlement with a few hundred result CIDs fits).</summary>
    public const int MaxTransactionBytes = 64 * 1024;

    private readonly LedgerStore _store;
    private readonly LedgerKey _producer;
    private readonly LedgerOptions _options;
    private readonly MarketState _state;
    private readonly StateCommitment _commitment;
    private readonly Lock _stateLock = new();
    private readonly Lock _storeLock = new();
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _builder;
    private LedgerHead _head;
    private TaskCompletionSource _nextBlock = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fault;

    private EmbeddedLedger(LedgerStore store, LedgerKey producer, LedgerOptions options, MarketState state, StateCommitment commitment, LedgerHead head, Cid genesis)
    {
        _store = store;
        _producer = producer;
        _options = options;
        _state = state;
        _commitment = commitment;
        _head = head;
        Genesis = genesis;
        _builder = Task.Run(BuildBlocksAsync);
    }

    /// <summary>The genesis block's CID: the chain's identity.</summary>
    public Cid Genesis { get; }

    /// <inheritdoc/>
    public Cid Chain => Genesis;

    /// <summary>Signs a transaction body for this ledger's chain.</summary>
    public SignedTransaction Sign(TransactionBody body, LedgerKey key) => TransactionCodec.Sign(body, Genesis, key);

    /// <summary>The genesis configuration.</summary>
    public GenesisConfig GenesisConfig => _state.Genesis;

    /// <summary>The ledger file.</summary>
    public string Path => _store.Path;

    /// <summary>
    /// Opens a ledger file, creating it with <paramref name="genesis"/> when it has no blocks.
    /// On open the stored chain is replayed (rules and state roots; signatures are checked by
    /// <see cref="Verify"/>) to rebuild the state at the last durable block.
    /// </summary>
    public static EmbeddedLedger Open(string path, LedgerKey producer, GenesisConfig? genesis = null, LedgerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(producer);
        options ??= new LedgerOptions();
        if (options.MaxBlockTransactions < 1 || options.BlockInterval < TimeSpan.Zero)
        {
            throw new CairnException(ErrorCode.InvalidArgument, "LedgerOptions: MaxBlockTransactions must be at least 1 and BlockInterval not negative.");
        }

        var store = LedgerStore.Open(path);
        try
        {
            if (store.Last() is null)
            {
                if (genesis is null)
                {
                    throw new CairnException(ErrorCode.NotFound, $"The ledger {path} is empty and no genesis was given.");
                }

                CreateGenesis(store, producer, genesis);
            }

            var replay = Replayer.Run(store, checkSignatures: false, CancellationToken.None);
            if (!replay.Ok)
            {
                throw new CairnException(ErrorCode.IntegrityViolation, $"The ledger {path} is damaged at height {replay.BadHeight}: {replay.Reason}")
                {
                    Hint = "Run `cairn ledger verify` for details; restore the file from a copy.",
                };
            }

            if (replay.State!.Genesis.Producer != producer.Did.Text)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"This ledger's blocks are produced by {replay.State.Genesis.Producer}, not by {producer.Did.Text}.");
            }

            var head = new LedgerHead(replay.Head!.Height, replay.HeadCid!, replay.Head.StateRoot, replay.Head.Time);
            return new EmbeddedLedger(store, producer, options, replay.State, replay.Commitment, head, replay.GenesisCid!);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Replays a ledger file from genesis checking everything; reports the first bad height.</summary>
    public static VerifyReport Verify(string path, CancellationToken cancellationToken)
    {
        using var store = LedgerStore.Open(path, readOnly: true);
        var r = Replayer.Run(store, checkSignatures: true, cancellationToken);
        string? invariant = null;
        if (r.Ok && r.State is not null)
        {
            invariant = r.State.CheckInvariants();
        }

        return new VerifyReport(
            r.Ok && invariant is null,
            r.Blocks,
            r.Transactions,
            r.HeadCid,
            r.GenesisCid,
            r.Head is null ? null : Convert.ToHexStringLower(r.Head.StateRoot.Span),
            invariant is null ? r.BadHeight : r.Head!.Height,
            invariant is null ? r.Reason : "the supply invariants do not hold: " + invariant);
    }

    private static void CreateGenesis(LedgerStore store, LedgerKey producer, GenesisConfig genesis)
    {
        if (genesis.Producer != producer.Did.Text)
        {
            throw new CairnException(ErrorCode.InvalidArgument, "The genesis names another producer than the key given.");
        }

        foreach (var did in genesis.Orchestrators.Append(genesis.Treasury).Concat(genesis.Allocations.Keys))
        {
            DidKey.Parse(did);
        }

        if (genesis.ProtocolFeeBps is < 0 or > 10_000 || genesis.VerifierShareBps is < 0 or > 10_000)
        {
            throw new CairnException(ErrorCode.InvalidArgument, "Fee rates are basis points between 0 and 10000.");
        }

        var state = new MarketState(genesis, chain: null);
        var root = new StateCommitment().Update(state, state.TakeDirty());
        var block = BlockCodec.Sign(new Block(0, null, genesis.Time, [], root, producer.Did.Text, genesis, ReadOnlyMemory<byte>.Empty), producer);
        var data = BlockCodec.Encode(block);
        store.Append(0, BlockCodec.IdOf(data), block.Time, data, []);
    }

    /// <inheritdoc/>
    /// <remarks>Cancelling stops the wait, not the transaction: once queued it may still commit.</remarks>
    public ValueTask<TxReceipt> SubmitAsync(SignedTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var data = TransactionCodec.Encode(transaction);
        var signingBytes = TransactionCodec.SigningBytes(transaction.Body);
        return SubmitCoreAsync(transaction, data, signingBytes, cancellationToken);
    }

    /// <summary>Submits a transaction in its DAG-CBOR wire form (as received over the network).</summary>
    public ValueTask<TxReceipt> SubmitEncodedAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var tx = TransactionCodec.Decode(data.Span, out var signingBytes);
        return SubmitCoreAsync(tx, data.ToArray(), signingBytes, cancellationToken);
    }

    private async ValueTask<TxReceipt> SubmitCoreAsync(SignedTransaction tx, byte[] data, byte[] signingBytes, CancellationToken cancellationToken)
    {
        if (_fault is not null)
        {
            throw Faulted();
        }

        if (data.Length > MaxTransactionBytes)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The transaction is {data.Length} bytes; at most {MaxTransactionBytes} are accepted.");
        }

        if (tx.Body.Chain != Genesis)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The {tx.Body.Type} transaction from {tx.Body.From} is for chain {tx.Body.Chain?.ToString() ?? "(none)"} on chain {Genesis}.")
            {
                Hint = "Sign transactions for this ledger's chain (ILedger.Chain, the genesis block CID: `cairn ledger show 0`).",
            };
        }

        if (!TransactionCodec.VerifySignature(tx, signingBytes))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The signature of the {tx.Body.Type} transaction does not verify for {tx.Body.From} (or is high-S).");
        }

        var pending = new Pending(tx, data, TransactionCodec.IdOf(data));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new CairnException(ErrorCode.ServiceUnavailable, "The ledger is closed.");
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task BuildBlocksAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>();
        try
        {
            while (await reader.WaitToReadAsync(_shutdown.Token))
            {
                var time = Math.Max(_options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), _head.Time);
                var sealAt = _options.TimeProvider.GetTimestamp() + (long)(_options.BlockInterval.TotalSeconds * _options.TimeProvider.TimestampFrequency);
                while (batch.Count < _options.MaxBlockTransactions)
                {
                    if (reader.TryRead(out var item))
                    {
                        Apply(item, time, batch);
                        continue;
                    }

                    var left = sealAt - _options.TimeProvider.GetTimestamp();
                    if (left <= 0)
                    {
                        break;
                    }

                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
                    wait.CancelAfter(TimeSpan.FromSeconds((double)left / _options.TimeProvider.TimestampFrequency));
                    try
                    {
                        if (!await reader.WaitToReadAsync(wait.Token))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException) when (!_shutdown.IsCancellationRequested)
                    {
                        break;
                    }
                }

                if (batch.Count > 0)
                {
                    Seal(batch, time);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Storage failed: the in-memory state is ahead of the file, so stop accepting work.
            _fault = e;
            foreach (var p in batch)
            {
                p.Completion.TrySetException(Faulted());
            }
        }

        while (reader.TryRead(out var left))
        {
            left.Completion.TrySetException(_fault is null ? new CairnException(ErrorCode.ServiceUnavailable, "The ledger closed before the transaction was committed.") : Faulted());
        }
    }

    private void Apply(Pending item, long time, List<Pending> batch)
    {
        try
        {
            lock (_stateLock)
            {
                MarketRules.Apply(_state, item.Tx.Body, time);
                item.Accounts = [.. _state.LastTouchedAccounts];
            }

            batch.Add(item);
        }
        catch (RuleViolation e)
        {
            item.Completion.TrySetException(e);
        }
    }

    private void Seal(List<Pending> batch, long time)
    {
        byte[] root;
        lock (_stateLock)
        {
            root = _commitment.Update(_state, _state.TakeDirty());
        }

        var txIds = new Cid[batch.Count];
        var stored = new StoredTx[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var p = batch[i];
            txIds[i] = p.Cid;
            stored[i] = new StoredTx(p.Cid, p.Tx.Body.Type, p.Tx.Body.From, p.Data, p.Accounts);
        }

        var head = _head;
        var block = BlockCodec.Sign(new Block(head.Height + 1, head.Block, time, txIds, root, _producer.Did.Text, null, ReadOnlyMemory<byte>.Empty), _producer);
        var data = BlockCodec.Encode(block);
        var cid = BlockCodec.IdOf(data);
        lock (_storeLock)
        {
            _store.Append(block.Height, cid, time, data, stored);
        }

        // Durable now: only from here on are the transactions reported committed.
        _head = new LedgerHead(block.Height, cid, root, time);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(new TxReceipt(batch[i].Cid, block.Height, cid));
        }

        Interlocked.Exchange(ref _nextBlock, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private CairnException Faulted() => new(ErrorCode.ServiceUnavailable, $"The ledger stopped after a storage failure: {_fault?.Message}", _fault)
    {
        Hint = "Reopen the ledger: it restarts from the last durable block.",
    };

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _builder;
        }
        finally
        {
            await _shutdown.CancelAsync();
            _shutdown.Dispose();
            lock (_storeLock)
            {
                _store.Dispose();
            }
        }
    }

    private sealed class Pending(SignedTransaction tx, byte[] data, Cid cid)
    {
        public SignedTransaction Tx { get; } = tx;

        public byte[] Data { get; } = data;

        public Cid Cid { get; } = cid;

        public TaskCompletionSource<TxReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Every account whose balance or nonce the transaction changed: the history index.</summary>
        public string[] Accounts { get; set; } = [];
    }
}
