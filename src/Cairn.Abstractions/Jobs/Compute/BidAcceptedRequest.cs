namespace Cairn.Jobs.Compute;

/// <summary>Orchestrator → node: your bid is accepted, run the execution and report through <see cref="IComputeCallback"/>.</summary>
public sealed record BidAcceptedRequest
{
    /// <summary>The execution to run.</summary>
    public required ExecutionId ExecutionId { get; init; }

    /// <summary>The job (repeated so the node needs no memory of the bid).</summary>
    public required Job Job { get; init; }

    /// <summary>The deal it runs under, when the market is on (the node signs its usage report for it).</summary>
    public DealTerms? Deal { get; init; }
}
