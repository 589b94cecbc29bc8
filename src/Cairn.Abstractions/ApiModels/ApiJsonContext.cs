using System.Text.Json.Serialization;
using Cairn.Jobs;
using Cairn.Market;

namespace Cairn.ApiModels;

/// <summary>
/// The source-generated System.Text.Json metadata for every API body, shared by the server and
/// the client so both read and write the same shapes: PascalCase names as Bacalhau writes them,
/// enums as strings, nulls left out, names matched case-insensitively when reading.
/// </summary>
[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(PutJobRequest))]
[JsonSerializable(typeof(PutJobResponse))]
[JsonSerializable(typeof(GetJobResponse))]
[JsonSerializable(typeof(StopJobResponse))]
[JsonSerializable(typeof(ListResponse<JobView>))]
[JsonSerializable(typeof(ListResponse<ExecutionView>))]
[JsonSerializable(typeof(ListResponse<HistoryEntryView>))]
[JsonSerializable(typeof(ListResponse<ExecutionResultView>))]
[JsonSerializable(typeof(ListResponse<NodeInfo>))]
[JsonSerializable(typeof(ListResponse<LedgerEventView>))]
[JsonSerializable(typeof(ListResponse<Offer>))]
[JsonSerializable(typeof(NodeInfo))]
[JsonSerializable(typeof(LogFrame))]
[JsonSerializable(typeof(AgentVersion))]
[JsonSerializable(typeof(AgentAlive))]
[JsonSerializable(typeof(LedgerHeadView))]
[JsonSerializable(typeof(BalanceView))]
[JsonSerializable(typeof(DealView))]
[JsonSerializable(typeof(TransactionView))]
[JsonSerializable(typeof(TxReceiptView))]
[JsonSerializable(typeof(ProblemView))]
[JsonSerializable(typeof(ListResponse<ContentEntryView>))]
[JsonSerializable(typeof(ListResponse<ComputeAdmissionView>))]
[JsonSerializable(typeof(ComputeAdmissionView))]
[JsonSerializable(typeof(ListResponse<ProviderView>))]
[JsonSerializable(typeof(PinReplicasRequest))]
[JsonSerializable(typeof(ReplicaView))]
[JsonSerializable(typeof(ListResponse<ReplicaView>))]
public sealed partial class ApiJsonContext : JsonSerializerContext
{
}
