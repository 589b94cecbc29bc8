using Cairn.Jobs;

namespace Cairn.Orchestrator.Ranking;

/// <summary>
/// Runs the ranker chain over the candidates: a node any ranker rules out is rejected (with the
/// reason); the rest are ordered by total score, then by lower price, then by id so the choice is
/// deterministic.
/// </summary>
public sealed class NodeSelector
{
    private readonly IReadOnlyList<INodeRanker> _rankers;

    /// <summary>Creates a selector with the given chain.</summary>
    public NodeSelector(IEnumerable<INodeRanker> rankers)
    {
        ArgumentNullException.ThrowIfNull(rankers);
        _rankers = rankers.ToList();
    }

    /// <summary>The default chain: engine fit, constraints, free capacity, price, data locality, previous failures.</summary>
    public static NodeSelector Default { get; } = new(
    [
        new EngineRanker(),
        new ConstraintRanker(),
        new CapacityRanker(),
        new PriceRanker(),
        new DataLocalityRanker(),
        new PreviousFailuresRanker(),
    ]);

    /// <summary>Every candidate ranked: eligible ones first, best first; then the rejected ones.</summary>
    public IReadOnlyList<RankedNode> Rank(RankingContext context, IReadOnlyList<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(candidates);
        // Indexed by the candidate's position: with a thousand nodes, four dictionaries and a
        // "ranker: reason" string per node and ranker were most of a placement's time, and only the
        // chosen node's reasons (and the rejected ones', when nothing fits) are ever read.
        var index = new Dictionary<NodeId, int>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            index.TryAdd(candidates[i].Info.Id, i);
        }

        var scores = new int[candidates.Count];
        var eligible = new bool[candidates.Count];
        Array.Fill(eligible, true);
        var reasons = new RankerReasons[candidates.Count];
        for (var i = 0; i < reasons.Length; i++)
        {
            reasons[i] = new RankerReasons();
        }

        foreach (var ranker in _rankers)
        {
            foreach (var rank in ranker.Rank(context, candidates))
            {
                if (!index.TryGetValue(rank.NodeId, out var i))
                {
                    continue;
                }

                scores[i] += rank.Score;
                eligible[i] &= rank.Eligible;
                if (rank.Reason is not null)
                {
                    reasons[i].Add(ranker.Name, rank.Reason, rank.Eligible);
                }
            }
        }

        var ranked = new RankedNode[candidates.Count];
        for (var i = 0; i < ranked.Length; i++)
        {
            ranked[i] = new RankedNode { Candidate = candidates[i], Score = scores[i], Eligible = eligible[i], Reasons = reasons[i], Rejections = reasons[i].Rejections };
        }

        return ranked
            .OrderByDescending(r => r.Eligible)
            .ThenByDescending(r => r.Score)
            .ThenBy(r => r.Candidate.Info.Price)
            .ThenBy(r => r.NodeId.Value, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Why no node can run the job, for the job's state message.</summary>
    public static string ExplainRejections(IReadOnlyList<RankedNode> ranked)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        if (ranked.Count == 0)
        {
            return "no compute nodes are connected";
        }

        return string.Join("; ", ranked.Where(r => !r.Eligible).Select(r => $"{r.NodeId}: {string.Join(", ", r.Rejections)}"));
    }

    /// <summary>A node's "ranker: reason" lines, formatted only when read.</summary>
    private sealed class RankerReasons : IReadOnlyList<string>
    {
        private readonly List<(string Ranker, string Reason, bool Eligible)> _items = [];

        public RankerReasons()
        {
            Rejections = new Filtered(this);
        }

        public IReadOnlyList<string> Rejections { get; }

        public int Count => _items.Count;

        public string this[int index] => $"{_items[index].Ranker}: {_items[index].Reason}";

        public void Add(string ranker, string reason, bool eligible) => _items.Add((ranker, reason, eligible));

        public IEnumerator<string> GetEnumerator()
        {
            for (var i = 0; i < _items.Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        // The reasons of the rankers that found the node unsuitable.
        private sealed class Filtered(RankerReasons all) : IReadOnlyList<string>
        {
            public int Count => all._items.Count(r => !r.Eligible);

            public string this[int index] => this.ElementAt(index);

            public IEnumerator<string> GetEnumerator()
            {
                for (var i = 0; i < all._items.Count; i++)
                {
                    if (!all._items[i].Eligible)
                    {
                        yield return all[i];
                    }
                }
            }

            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
