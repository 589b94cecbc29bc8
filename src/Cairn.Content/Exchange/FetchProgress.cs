namespace Cairn.Content.Exchange;

/// <summary>How far a fetch has come: blocks stored from peers and bytes read from them so far.</summary>
/// <param name="Blocks">Blocks received, verified and stored.</param>
/// <param name="Bytes">Bytes read from peers (response bodies).</param>
public readonly record struct FetchProgress(long Blocks, long Bytes);
