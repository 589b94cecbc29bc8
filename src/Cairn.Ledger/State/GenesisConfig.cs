namespace Cairn.Ledger.State;

/// <summary>
/// What block 0 fixes for the life of a ledger: the chain name, the roles, the protocol's
/// fee rates and the initial supply.
/// </summary>
/// <param name="Chain">A name that makes this chain's signatures useless on another.</param>
/// <param name="Producer">The did:key that signs blocks.</param>
/// <param name="Treasury">The account that may mint and receives fees.</param>
/// <param name="Orchestrators">The accounts allowed to open and close deals.</param>
/// <param name="ProtocolFeeBps">Protocol fee on settled payments, in basis points (0–10000).</param>
/// <param name="VerifierShareBps">Share of slashed collateral paid to the verifier, in basis points.</param>
/// <param name="Allocations">Initial balances (the initial supply).</param>
/// <param name="Time">Genesis time, Unix milliseconds.</param>
public sealed record GenesisConfig(
    string Chain,
    string Producer,
    string Treasury,
    IReadOnlyList<string> Orchestrators,
    long ProtocolFeeBps,
    long VerifierShareBps,
    IReadOnlyDictionary<string, long> Allocations,
    long Time);
