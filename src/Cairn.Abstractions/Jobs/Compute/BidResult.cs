namespace Cairn.Jobs.Compute;

/// <summary>Node → orchestrator: the answer to an <see cref="AskBidRequest"/>.</summary>
public sealed record BidResult
{
    /// <summary>The execution asked about.</summary>
    public required ExecutionId ExecutionId { get; init; }

    /// <summary>True when the node will run it.</summary>
    public bool Accepted { get; init; }

    /// <summary>The unit price the node asks.</summary>
    public long Price { get; init; }

    /// <summary>Why the node declined (no capacity, engine missing...).</summary>
    public string? Reason { get; init; }
}
