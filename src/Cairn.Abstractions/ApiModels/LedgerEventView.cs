namespace Cairn.ApiModels;

/// <summary>A transaction touching an account, where it sits in the chain.</summary>
public sealed record LedgerEventView
{
    /// <summary>Block height.</summary>
    public long Height { get; init; }

    /// <summary>Position in the block.</summary>
    public int Index { get; init; }

    /// <summary>The block's CID.</summary>
    public required string Block { get; init; }

    /// <summary>The transaction's CID.</summary>
    public required string Tx { get; init; }

    /// <summary>Transaction type.</summary>
    public required string Type { get; init; }

    /// <summary>The signer.</summary>
    public required string From { get; init; }

    /// <summary>Block time (Unix milliseconds).</summary>
    public long Time { get; init; }
}
