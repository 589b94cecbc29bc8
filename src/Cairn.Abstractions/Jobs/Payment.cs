namespace Cairn.Jobs;

/// <summary>
/// What the client pays (Cairn's addition to the Bacalhau spec). Amounts are integers in the
/// ledger's smallest unit.
/// </summary>
public sealed record Payment
{
    /// <summary>The most the job may cost in total; locked in escrow when the deal opens.</summary>
    public long Budget { get; init; }

    /// <summary>The highest unit price the client accepts; nodes asking more are not chosen.</summary>
    public long MaxPrice { get; init; }

    /// <summary>
    /// Who pays (a did:key). Set by the node from the submitting client (the spec may name it);
    /// null means the node's default client account. The orchestrator may only lock what this
    /// account approved for it on the ledger.
    /// </summary>
    public string? Client { get; init; }
}
