namespace Cairn.ApiModels;

/// <summary>A ledger transaction's stored bytes.</summary>
public sealed record TransactionView
{
    /// <summary>The transaction's CID.</summary>
    public required string Cid { get; init; }

    /// <summary>Its DAG-CBOR encoding (signed body), base64 in JSON.</summary>
    public required byte[] Data { get; init; }
}
