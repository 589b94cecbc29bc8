using System.Text.Json.Serialization;

namespace Cairn.Network.Admission;

/// <summary>Source-generated JSON for the decisions file.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(AdmissionDecisions))]
internal sealed partial class AdmissionJsonContext : JsonSerializerContext
{
}
