namespace Cairn.ApiModels;

/// <summary>The ledger's newest block.</summary>
public sealed record LedgerHeadView
{
    /// <summary>The chain id (the genesis block's CID) every transaction must be signed for.</summary>
    public string? Chain { get; init; }

    /// <summary>Block height (genesis is 0).</summary>
    public long Height { get; init; }

    /// <summary>The block's CID.</summary>
    public required string Block { get; init; }

    /// <summary>The state root after the block, hex.</summary>
    public required string StateRoot { get; init; }

    /// <summary>The block's time (Unix milliseconds).</summary>
    public long Time { get; init; }
}
