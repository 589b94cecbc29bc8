using System.Text.Json.Serialization;
using Cairn.Jobs;
using Cairn.Jobs.Compute;

namespace Cairn.Network.Protocol;

/// <summary>Source-generated JSON for every frame and body on the compute connection.</summary>
[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(WireMessage))]
[JsonSerializable(typeof(ChallengeBody))]
[JsonSerializable(typeof(HelloBody))]
[JsonSerializable(typeof(WelcomeBody))]
[JsonSerializable(typeof(ReadyBody))]
[JsonSerializable(typeof(RequestBody))]
[JsonSerializable(typeof(ResponseBody))]
[JsonSerializable(typeof(LocalBytesArgs))]
[JsonSerializable(typeof(NodeInfo))]
[JsonSerializable(typeof(AskBidRequest))]
[JsonSerializable(typeof(BidResult))]
[JsonSerializable(typeof(BidAcceptedRequest))]
[JsonSerializable(typeof(CancelExecutionRequest))]
[JsonSerializable(typeof(ExecutionReport))]
[JsonSerializable(typeof(ProvideBody))]
[JsonSerializable(typeof(ReplicaRequest))]
[JsonSerializable(typeof(ReplicaState))]
[JsonSerializable(typeof(long))]
internal sealed partial class NetworkJsonContext : JsonSerializerContext
{
}
