namespace Cairn.Content.Exchange;

/// <summary>What one peer did during a fetch.</summary>
/// <param name="Peer">The peer's gateway base URL.</param>
/// <param name="Blocks">Blocks it sent that were verified and stored.</param>
/// <param name="Bytes">Bytes read from it (response bodies, CAR framing included).</param>
/// <param name="Failure">Why it was given up on, when it was (it lacked the content, lied, timed out...); null otherwise.</param>
public sealed record PeerTransfer(Uri Peer, long Blocks, long Bytes, string? Failure);
