namespace Cairn.ApiModels;

/// <summary>A submitted transaction, committed: the block that holds it is durable.</summary>
public sealed record TxReceiptView
{
    /// <summary>The transaction's CID (its id).</summary>
    public required string Tx { get; init; }

    /// <summary>The height of the block that holds it.</summary>
    public long Height { get; init; }

    /// <summary>That block's CID.</summary>
    public required string Block { get; init; }
}
