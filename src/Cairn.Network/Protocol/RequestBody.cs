using System.Text.Json;

namespace Cairn.Network.Protocol;

/// <summary>An orchestrator → node call: an id the response names, and the call's argument.</summary>
internal sealed record RequestBody(long Id, JsonElement? Args);
