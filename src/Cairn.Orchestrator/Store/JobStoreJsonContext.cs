using System.Text.Json.Serialization;
using Cairn.Jobs;

namespace Cairn.Orchestrator.Store;

/// <summary>Source-generated JSON for what the job store keeps as documents: the spec and run results.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(RunResult))]
internal sealed partial class JobStoreJsonContext : JsonSerializerContext
{
}
