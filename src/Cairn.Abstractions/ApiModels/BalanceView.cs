namespace Cairn.ApiModels;

/// <summary>An account's balance.</summary>
public sealed record BalanceView
{
    /// <summary>The account (<c>did:key</c>).</summary>
    public required string Account { get; init; }

    /// <summary>The balance in the ledger's smallest unit.</summary>
    public long Balance { get; init; }

    /// <summary>The nonce its next transaction must carry.</summary>
    public long NextNonce { get; init; }
}
