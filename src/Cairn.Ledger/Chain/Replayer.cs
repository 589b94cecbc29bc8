using System.Threading.Channels;
using Cairn.Ledger.State;
using Cairn.Ledger.Storage;
using Cairn.Market;
using Cairn.Multiformats;

namespace Cairn.Ledger.Chain;

/// <summary>
/// Replays a stored chain from genesis: re-hashes every block and transaction against the CIDs
/// that link them, checks heights, parents, times and the producer, optionally every signature,
/// applies every transaction under the market's rules, and compares each block's state root.
/// Stops at the first bad height and says why.
/// </summary>
/// <remarks>
/// Three stages overlap: a reader pulls blocks and transaction rows from SQLite and checks the
/// block links, a checker hashes, decodes and signature-checks each window of a few thousand
/// transactions on all cores (signatures are independent of state), and the caller's thread applies
/// the windows in order (application is sequential by nature). Signature checking dominates, so
/// replay speed follows the core count; keeping reading off the checker's thread keeps the cores
/// verifying while the next window is read.
/// </remarks>
internal static class Replayer
{
    private const int WindowTxs = 4096;

    public static ReplayResult Run(LedgerStore store, bool checkSignatures, CancellationToken cancellationToken)
    {
        var read = Channel.CreateBounded<Window>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var windows = Channel.CreateBounded<Window>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(() => ReadWindows(store, read.Writer, stop.Token), CancellationToken.None);
        var checker = Task.Run(() => CheckWindowsAsync(read.Reader, windows.Writer, checkSignatures, stop.Token), CancellationToken.None);

        MarketState? state = null;
        var commitment = new StateCommitment();
        Block? head = null;
        Cid? headCid = null;
        Cid? genesisCid = null;
        long blocks = 0, txCount = 0;
        ReplayResult Fail(long height, string reason) => new(state, commitment, head, headCid, genesisCid, blocks, txCount, height, reason);

        try
        {
            while (true)
            {
                if (!windows.Reader.TryRead(out var window))
                {
                    if (!windows.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                    {
                        break;
                    }

                    continue;
                }

                foreach (var b in window.Blocks)
                {
                    if (b.Error is not null)
                    {
                        return Fail(b.Height, b.Error);
                    }

                    var block = b.Block!;
                    if (block.Height == 0)
                    {
                        try
                        {
                            state = new MarketState(block.Genesis!, b.Cid);
                        }
                        catch (Exception e) when (e is RuleViolation or OverflowException)
                        {
                            return Fail(0, $"the genesis configuration is invalid: {e.Message}");
                        }

                        genesisCid = b.Cid;
                    }
                    else
                    {
                        for (var i = 0; i < b.Txs.Length; i++)
                        {
                            try
                            {
                                MarketRules.Apply(state!, b.Txs[i].Tx.Body, block.Time);
                            }
                            catch (RuleViolation e)
                            {
                                return Fail(block.Height, $"transaction {i} ({b.Txs[i].Cid}) breaks a rule: {e.Message}");
                            }
                        }
                    }

                    var root = commitment.Update(state!, state!.TakeDirty());
                    if (!root.AsSpan().SequenceEqual(block.StateRoot.Span))
                    {
                        return Fail(block.Height, $"the state root after replay is {Convert.ToHexStringLower(root)}, the block says {Convert.ToHexStringLower(block.StateRoot.Span)}");
                    }

                    head = block;
                    headCid = b.Cid;
                    blocks++;
                    txCount += b.Txs.Length;
                }

                if (window.TrailingError is { } trailing)
                {
                    return Fail(trailing.Height, trailing.Reason);
                }
            }

            reader.GetAwaiter().GetResult();
            checker.GetAwaiter().GetResult();
            return head is null ? Fail(0, "the ledger has no genesis block") : new ReplayResult(state, commitment, head, headCid, genesisCid, blocks, txCount, null, null);
        }
        finally
        {
            // Stop the stages if we stopped early, and let them finish before the store is used again.
            stop.Cancel();
            foreach (var stage in new[] { reader, checker })
            {
                try
                {
                    stage.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                    // Its failure was reported through the channel, or is moot after ours.
                }
            }
        }
    }

    private static async Task CheckWindowsAsync(ChannelReader<Window> input, ChannelWriter<Window> output, bool checkSignatures, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var window in input.ReadAllAsync(cancellationToken))
            {
                CheckWindow(window.Blocks, checkSignatures);
                await output.WriteAsync(window, cancellationToken);
            }
        }
        finally
        {
            output.TryComplete();
        }
    }

    private static void ReadWindows(LedgerStore store, ChannelWriter<Window> output, CancellationToken cancellationToken)
    {
        try
        {
            using var txRows = store.TransactionsInStoredOrder().GetEnumerator();
            var hasRow = txRows.MoveNext();
            var window = new List<DecodedBlock>();
            var windowTxs = 0;
            long expectedHeight = 0;
            Cid? parent = null;
            long parentTime = long.MinValue;
            GenesisConfig? genesis = null;

            void Flush((long, string)? trailing)
            {
                // A block whose own checks failed ends the window: nothing after it is looked at.
                output.WriteAsync(new Window(window.ToArray(), trailing), cancellationToken).AsTask().GetAwaiter().GetResult();
                window.Clear();
                windowTxs = 0;
            }

            foreach (var (height, storedCid, data) in store.Blocks())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var decoded = DecodeBlock(height, storedCid, data, expectedHeight, parent, parentTime, ref genesis);
                if (decoded.Error is null)
                {
                    var block = decoded.Block!;
                    var txs = new DecodedTx[block.Txs.Count];
                    for (var i = 0; i < txs.Length; i++)
                    {
                        if (!hasRow || txRows.Current.Height != height)
                        {
                            decoded = decoded with { Error = $"transaction {i} ({block.Txs[i]}) listed by the block is missing from the store" };
                            break;
                        }

                        var row = txRows.Current;
                        if (row.Index != i)
                        {
                            decoded = decoded with { Error = $"transaction {i} ({block.Txs[i]}) is stored at position {row.Index}" };
                            break;
                        }

                        hasRow = txRows.MoveNext();
                        txs[i] = new DecodedTx(row, block.Txs[i]);
                    }

                    if (decoded.Error is null && hasRow && txRows.Current.Height == height)
                    {
                        decoded = decoded with { Error = $"the store holds more transactions at this height than the block's {txs.Length}" };
                    }
                    else if (decoded.Error is null && hasRow && txRows.Current.Height < height)
                    {
                        decoded = decoded with { Error = $"the store holds a transaction at height {txRows.Current.Height} that no block lists" };
                    }

                    decoded = decoded with { Txs = txs };
                    parent = decoded.Cid;
                    parentTime = block.Time;
                    expectedHeight = height + 1;
                }

                window.Add(decoded);
                windowTxs += decoded.Txs.Length;
                if (decoded.Error is not null)
                {
                    Flush(null);
                    return;
                }

                if (windowTxs >= WindowTxs)
                {
                    Flush(null);
                }
            }

            (long, string)? tail = hasRow ? (txRows.Current.Height, $"the store holds a transaction at height {txRows.Current.Height} that no block lists") : null;
            Flush(tail);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or CairnException or InvalidCastException)
        {
            // Waits for room: a full channel must not swallow the failure and pass a truncated chain.
            output.WriteAsync(new Window([], (-1, $"the ledger file cannot be read: {e.Message}")), cancellationToken).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            output.TryComplete();
        }
    }

    private static DecodedBlock DecodeBlock(long height, byte[] storedCid, byte[] data, long expectedHeight, Cid? parent, long parentTime, ref GenesisConfig? genesis)
    {
        DecodedBlock Bad(string why) => new(height, null, null, [], why);
        if (height != expectedHeight)
        {
            return new DecodedBlock(expectedHeight, null, null, [], $"block {expectedHeight} is missing (the next stored block is {height})");
        }

        var cid = BlockCodec.IdOf(data);
        if (!cid.Bytes.SequenceEqual(storedCid))
        {
            return Bad($"the block's bytes hash to {cid}, not to the CID stored with them");
        }

        Block block;
        try
        {
            block = BlockCodec.Decode(data);
        }
        catch (Exception e) when (e is CairnException or ArgumentException or InvalidOperationException or OverflowException or FormatException)
        {
            return Bad(e.Message);
        }

        if (block.Height != height)
        {
            return Bad($"the block says height {block.Height}");
        }

        if (block.Parent != parent)
        {
            return Bad($"the block's parent is {block.Parent?.ToString() ?? "none"}, expected {parent?.ToString() ?? "none"}");
        }

        if (block.Time < parentTime)
        {
            return Bad($"the block's time {block.Time} is before its parent's {parentTime}");
        }

        if (height == 0)
        {
            if (block.Genesis is null || block.Txs.Count != 0)
            {
                return Bad("the genesis block must carry the genesis configuration and no transactions");
            }

            if (block.Genesis.Producer != block.Producer)
            {
                return Bad("the genesis block is not signed by the producer it names");
            }

            genesis = block.Genesis;
        }
        else if (block.Genesis is not null)
        {
            return Bad("only block 0 may carry a genesis configuration");
        }
        else if (block.Producer != genesis!.Producer)
        {
            return Bad($"the block is produced by {block.Producer}, not the genesis producer {genesis.Producer}");
        }

        return new DecodedBlock(height, block, cid, [], null);
    }

    /// <summary>Hashes, decodes and (optionally) signature-checks a window's blocks and transactions on all cores.</summary>
    private static void CheckWindow(DecodedBlock[] blocks, bool checkSignatures)
    {
        var items = new List<(int Block, int Tx)>();
        for (var b = 0; b < blocks.Length; b++)
        {
            items.Add((b, -1));
            for (var t = 0; t < blocks[b].Txs.Length; t++)
            {
                items.Add((b, t));
            }
        }

        var errors = new string?[blocks.Length];

        // One worker per core: verification is CPU-bound, more workers only add imported key copies.
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (b, t) = items[i];
            var block = blocks[b];
            if (block.Block is null)
            {
                return;
            }

            if (t < 0)
            {
                if (checkSignatures && !BlockCodec.VerifySignature(block.Block))
                {
                    errors[b] = "the producer's signature does not verify";
                }

                return;
            }

            var tx = block.Txs[t];
            if (tx is null)
            {
                return;
            }

            var error = tx.Check(checkSignatures);
            if (error is not null)
            {
                lock (errors)
                {
                    errors[b] ??= $"transaction {t} ({tx.Cid}): {error}";
                }
            }
        });
        for (var b = 0; b < blocks.Length; b++)
        {
            if (errors[b] is not null && blocks[b].Error is null)
            {
                blocks[b] = blocks[b] with { Error = errors[b] };
            }
        }
    }

    private sealed record Window(DecodedBlock[] Blocks, (long Height, string Reason)? TrailingError);

    private sealed record DecodedBlock(long Height, Block? Block, Cid? Cid, DecodedTx[] Txs, string? Error);
}
