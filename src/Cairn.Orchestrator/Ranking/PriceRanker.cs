namespace Cairn.Orchestrator.Ranking;

/// <summary>
/// Rules out nodes asking more than the job's <c>Payment.MaxPrice</c> and prefers cheaper ones:
/// up to +10 for a node that is free. Jobs without a MaxPrice are not filtered by price.
/// </summary>
public sealed class PriceRanker : INodeRanker
{
    /// <inheritdoc />
    public string Name => "price";

    /// <inheritdoc />
    public IReadOnlyList<NodeRank> Rank(RankingContext context, IReadOnlyList<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(candidates);
        var maxPrice = context.Job.Payment?.MaxPrice ?? 0;
        return candidates.Select(c =>
        {
            if (maxPrice <= 0)
            {
                return NodeRank.Scored(c.Info.Id, 0);
            }

            if (c.Info.Price > maxPrice)
            {
                return NodeRank.Unsuitable(c.Info.Id, $"price {c.Info.Price} is above MaxPrice {maxPrice}");
            }

            var score = (int)Math.Round(10.0 * (maxPrice - c.Info.Price) / maxPrice);
            return NodeRank.Scored(c.Info.Id, score, $"+{score} for price {c.Info.Price} of at most {maxPrice}");
        }).ToList();
    }
}
