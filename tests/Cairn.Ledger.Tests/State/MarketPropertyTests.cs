using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.State;
using Cairn.Market;
using Cairn.Multiformats;
using FsCheck;
using FsCheck.Fluent;
using static Cairn.Ledger.Tests.Parties;

namespace Cairn.Ledger.Tests.State;

/// <summary>
/// Random sequences of valid and invalid transactions of every type: after each one the supply
/// invariants hold, a rejected one changes nothing, and replaying the accepted ones block by block
/// reproduces every state root.
/// </summary>
public sealed class MarketPropertyTests : IDisposable
{
    // Weighted: deal operations need an offer, an allowance and an open deal first, so they come often.
    private static readonly int[] Kinds = [0, 1, 2, 3, 3, 4, 4, 5, 6, 7, 7, 7, 8, 9, 9, 9, 10, 10, 11, 12, 12, 13, 13, 14];
    private readonly Parties _p = new(feeBps: 300, verifierBps: 1500);
    private readonly LedgerKey[] _actors;
    private readonly Dictionary<string, int> _acceptedByType = new(StringComparer.Ordinal);

    public MarketPropertyTests() => _actors = [_p.Alice, _p.Bob, _p.Provider, _p.Orchestrator, _p.Treasury, _p.Verifier];

    public void Dispose() => _p.Dispose();

    [Fact]
    public void RandomTransactions_KeepInvariants_AndReplayReproducesStateRoots()
    {
        var ops = Gen.Choose(0, int.MaxValue).ArrayOf().Select(a => a.Take(120).ToArray());
        Prop.ForAll(ops.ToArbitrary(), Run).Check(Config.QuickThrowOnFailure.WithMaxTest(100));

        // The generator must reach every transaction type's success path, or the property says little.
        foreach (var type in new[] { TxTypes.Mint, TxTypes.Transfer, TxTypes.Approve, TxTypes.OfferPublish, TxTypes.OfferUpdate, TxTypes.OfferWithdraw, TxTypes.DealOpen, TxTypes.DealSettle, TxTypes.DealFail, TxTypes.DealSlash, TxTypes.SubscriptionCreate })
        {
            Assert.True(_acceptedByType.GetValueOrDefault(type) > 0, $"no {type} was ever accepted: " + string.Join(", ", _acceptedByType.Select(kv => $"{kv.Key}={kv.Value}")));
        }
    }

    private bool Run(int[] ops)
    {
        var state = _p.NewState();
        var commitment = new StateCommitment();
        commitment.Update(state, state.TakeDirty());
        var nonces = new Dictionary<string, long>(StringComparer.Ordinal);
        var blocks = new List<(long Time, List<TransactionBody> Txs, byte[] Root)>();
        var time = _p.Time;
        var current = new List<TransactionBody>();
        var accepted = 0;

        // A market that is open for business: three offers and allowances for the orchestrator.
        var setup = new List<TransactionBody>();
        for (var i = 0; i < 3; i++)
        {
            setup.Add(new TransactionBody(TxTypes.OfferPublish, _p.Provider.Did.Text, i, OfferPayload("o" + i, minCollateral: 100 * i)) with { Chain = _p.Chain });
        }

        setup.Add(new TransactionBody(TxTypes.Approve, _p.Alice.Did.Text, 0, P(("spender", _p.Orchestrator.Did.Text), ("amount", 30_000L))) with { Chain = _p.Chain });
        setup.Add(new TransactionBody(TxTypes.Transfer, _p.Treasury.Did.Text, 0, P(("to", _p.Bob.Did.Text), ("amount", 30_000L))) with { Chain = _p.Chain });
        setup.Add(new TransactionBody(TxTypes.Approve, _p.Bob.Did.Text, 0, P(("spender", _p.Orchestrator.Did.Text), ("amount", 30_000L))) with { Chain = _p.Chain });
        foreach (var body in setup)
        {
            MarketRules.Apply(state, body, time);
            current.Add(body);
            nonces[body.From] = body.Nonce + 1;
        }

        foreach (var op in ops)
        {
            var body = Make(op, nonces, time);
            var before = commitment.Update(state, state.TakeDirty());
            try
            {
                MarketRules.Apply(state, body, time);
                current.Add(body);
                nonces[body.From] = body.Nonce + 1;
                accepted++;
                _acceptedByType[body.Type] = _acceptedByType.GetValueOrDefault(body.Type) + 1;
            }
            catch (RuleViolation)
            {

                var after = commitment.Update(state, state.TakeDirty());
                Assert.Equal(before, after);
            }

            Assert.Null(state.CheckInvariants());
            if (op % 5 == 0)
            {
                blocks.Add((time, current, commitment.Update(state, state.TakeDirty())));
                current = [];
                time += (op >> 8) % 40_000;
            }
        }

        blocks.Add((time, current, commitment.Update(state, state.TakeDirty())));

        // Replay from genesis, with a fresh commitment, reproduces every root.
        var replay = _p.NewState();
        var replayCommitment = new StateCommitment();
        replayCommitment.Update(replay, replay.TakeDirty());
        foreach (var (blockTime, txs, root) in blocks)
        {
            foreach (var tx in txs)
            {
                MarketRules.Apply(replay, tx, blockTime);
            }

            Assert.Equal(root, replayCommitment.Update(replay, replay.TakeDirty()));
        }

        // And a from-scratch commitment over the final state equals the incremental one.
        var scratch = new StateCommitment();
        Assert.Equal(blocks[^1].Root, scratch.Update(replay, replay.Entries.Select(e => e.Key).ToList()));
        return accepted >= 0;
    }

    private TransactionBody Make(int op, Dictionary<string, long> nonces, long time)
    {
        var kind = Kinds[op % Kinds.Length];
        var r = op / Kinds.Length;
        var actor = _actors[r % _actors.Length];
        var honest = r % 5 != 0;
        r /= _actors.Length;
        // Mostly the right role acts (so success paths are reached), sometimes anyone (so rejections are too).
        if (honest)
        {
            actor = kind switch
            {
                0 => _p.Treasury,
                4 or 5 or 6 => _p.Provider,
                7 or 8 or 9 or 10 or 12 => _p.Orchestrator,
                3 or 11 or 13 or 14 => (r & 1) == 0 ? _p.Alice : _p.Bob,
                _ => actor,
            };
        }

        var other = _actors[r % _actors.Length].Did.Text;
        r /= _actors.Length;
        var amount = (r % 9000) - 50;
        r /= 9000;
        var id = r % 3;
        var deal = "d" + ((op >> 3) % 8);
        var nonce = nonces.GetValueOrDefault(actor.Did.Text) + (op % 23 == 0 ? 1 : 0); // some bad nonces
        Dictionary<string, object?> payload = kind switch
        {
            0 => P(("to", other), ("amount", (long)amount)),
            1 => P(("to", other), ("amount", (long)amount)),
            2 => P(("to", other), ("amount", (long)amount * 10)),
            3 => P(("spender", honest ? _p.Orchestrator.Did.Text : other), ("amount", (long)amount * 5)),
            4 => OfferPayload("o" + id, minCollateral: Math.Abs(amount) % 700),
            5 => OfferPayload("o" + id, fuelPrice: amount % 50),
            6 => P(("id", "o" + id)),
            7 or 8 => DealPayload(deal, id, amount, time),
            9 => Settle(deal, amount),
            10 => P(("id", deal), ("reason", "failed")),
            11 => P(("id", deal)),
            12 => P(("id", deal), ("verifier", other), ("evidence", "e")),
            13 => P(("id", "s" + id), ("amount", (long)amount), ("expires", time + (amount * 7)), ("provider", id == 0 ? null : honest ? _p.Provider.Did.Text : other)),
            _ => P(("id", "s" + id)),
        };
        var type = kind switch
        {
            0 => TxTypes.Mint,
            1 or 2 => TxTypes.Transfer,
            3 => TxTypes.Approve,
            4 => TxTypes.OfferPublish,
            5 => TxTypes.OfferUpdate,
            6 => TxTypes.OfferWithdraw,
            7 or 8 => TxTypes.DealOpen,
            9 => TxTypes.DealSettle,
            10 => TxTypes.DealFail,
            11 => TxTypes.DealCancel,
            12 => TxTypes.DealSlash,
            13 => TxTypes.SubscriptionCreate,
            _ => TxTypes.SubscriptionClose,
        };
        return new TransactionBody(type, actor.Did.Text, nonce, payload, Fee: op % 7 == 0 ? amount % 20 : null, Chain: _p.Chain);
    }

    private Dictionary<string, object?> DealPayload(string deal, int id, int amount, long time)
    {
        // Mostly satisfiable terms; the amount's sign and low bits still produce bad ones.
        var magnitude = Math.Abs(amount);
        var budget = amount < -40 ? amount : (magnitude % 3000) + 1;
        var payload = _p.DealPayload(deal, budget: budget, collateral: (magnitude % 1500) + (amount % 4 == 1 ? 0 : 700), offer: "o" + id, subscription: amount % 3 == 0 ? "s" + id : null, deadline: time + magnitude + (amount % 5 == 0 ? -magnitude : 1000));
        payload["client"] = amount % 4 != 0 ? _p.Alice.Did.Text : _p.Bob.Did.Text;
        return payload;
    }

    private Dictionary<string, object?> Settle(string id, int amount)
    {
        var usage = new Usage(Math.Abs(amount) * 1_000_000L, Math.Abs(amount) * 10L, 0);
        var results = new List<Cid>();
        return P(("id", id), ("usage", UsageReports.UsageMap(usage)), ("results", results), ("report", UsageReports.Sign(_p.Provider, id, usage, results)));
    }
}
