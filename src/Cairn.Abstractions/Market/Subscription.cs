namespace Cairn.Market;

/// <summary>A prepaid quota: deals that name it draw their budget from it first.</summary>
/// <param name="Id">The subscription id (unique).</param>
/// <param name="Client">Who prepaid.</param>
/// <param name="Provider">The only provider it pays, or null for any.</param>
/// <param name="Remaining">Units left (escrowed).</param>
/// <param name="Expires">End of the period (Unix ms); after it, the client may close it.</param>
/// <param name="Closed">True once closed and its remainder returned.</param>
public sealed record Subscription(string Id, string Client, string? Provider, long Remaining, long Expires, bool Closed);
