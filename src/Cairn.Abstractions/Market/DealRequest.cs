namespace Cairn.Market;

/// <summary>What an orchestrator asks for when it opens a deal for one execution.</summary>
public sealed record DealRequest
{
    /// <summary>The deal id; use the execution id, so a retry after a crash finds the same deal.</summary>
    public required string DealId { get; init; }

    /// <summary>Who pays (did:key); the orchestrator must hold an allowance from this account.</summary>
    public required string Client { get; init; }

    /// <summary>Who computes (did:key of the provider node).</summary>
    public required string Provider { get; init; }

    /// <summary>The provider's offer id.</summary>
    public required string OfferId { get; init; }

    /// <summary>The job id.</summary>
    public required string Job { get; init; }

    /// <summary>The execution id.</summary>
    public required string Execution { get; init; }

    /// <summary>The escrowed budget: the most this execution may cost.</summary>
    public required long Budget { get; init; }

    /// <summary>After this (Unix ms) the client may cancel the deal if it is still open.</summary>
    public required long Deadline { get; init; }
}
