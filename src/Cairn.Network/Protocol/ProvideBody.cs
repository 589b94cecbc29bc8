using Cairn.Jobs.Compute;

namespace Cairn.Network.Protocol;

/// <summary>The body of a <c>provide</c> frame: every root the node holds now (replaces what it said before).</summary>
internal sealed record ProvideBody(IReadOnlyList<ProvidedRoot> Roots);
