namespace Cairn.Ledger;

/// <summary>How the embedded ledger batches transactions into blocks.</summary>
public sealed record LedgerOptions
{
    /// <summary>A block holds at most this many transactions.</summary>
    public int MaxBlockTransactions { get; init; } = 4096;

    /// <summary>
    /// How long the first transaction of a block waits for company before the block is sealed.
    /// Under load blocks fill up without waiting: while one block is being made durable the next
    /// one's transactions queue up.
    /// </summary>
    public TimeSpan BlockInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The clock for block times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
