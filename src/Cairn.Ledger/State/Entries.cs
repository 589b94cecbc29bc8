namespace Cairn.Ledger.State;

/// <summary>An account: spendable balance and the nonce its next transaction must carry.</summary>
internal sealed record AccountEntry(long Balance, long Nonce);

/// <summary>How much of its owner's balance a spender may still lock into deals.</summary>
internal sealed record AllowanceEntry(long Amount);

/// <summary>Supply accounting: minted = balances + escrow + collateral at all times.</summary>
internal sealed record TotalsEntry(long Minted, long Escrow, long Collateral);
