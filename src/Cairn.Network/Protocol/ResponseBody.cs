using System.Text.Json;

namespace Cairn.Network.Protocol;

/// <summary>A node's answer to <see cref="RequestBody"/>: the result, or the error code and message of the CairnException it threw.</summary>
internal sealed record ResponseBody(long Id, JsonElement? Result, string? ErrorCode, string? Error);
