using Cairn.Jobs;

namespace Cairn.Orchestrator.Ranking;

/// <summary>
/// Rules out nodes without the free resources the task asks for, and prefers the node left with
/// the most free CPU and memory after placement (spreading load): up to +10.
/// </summary>
public sealed class CapacityRanker : INodeRanker
{
    /// <inheritdoc />
    public string Name => "capacity";

    /// <inheritdoc />
    public IReadOnlyList<NodeRank> Rank(RankingContext context, IReadOnlyList<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(candidates);
        var request = context.Task.Resources;
        return candidates.Select(c =>
        {
            var free = c.Info.Available;
            if (!free.Fits(request))
            {
                return NodeRank.Unsuitable(c.Info.Id, $"not enough free resources (wants {request}, has {free})");
            }

            var cpuLeft = Fraction(free.CpuMillis - request.CpuMillis, c.Info.Capacity.CpuMillis);
            var memoryLeft = Fraction(free.MemoryBytes - request.MemoryBytes, c.Info.Capacity.MemoryBytes);
            var score = (int)Math.Round(5 * cpuLeft + 5 * memoryLeft);
            return NodeRank.Scored(c.Info.Id, score, $"+{score} for free capacity");
        }).ToList();
    }

    private static double Fraction(long left, long total) => total <= 0 ? 0 : Math.Clamp((double)left / total, 0, 1);
}
