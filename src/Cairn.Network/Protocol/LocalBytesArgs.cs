namespace Cairn.Network.Protocol;

/// <summary>The argument of a <c>get-local-bytes</c> call: the CIDs as strings.</summary>
internal sealed record LocalBytesArgs(IReadOnlyList<string> Cids);
