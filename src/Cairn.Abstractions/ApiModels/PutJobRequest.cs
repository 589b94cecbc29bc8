using System.Text.Json;

namespace Cairn.ApiModels;

/// <summary>
/// Body of <c>PUT /api/v1/orchestrator/jobs</c>. Exactly one of <see cref="Job"/> (Bacalhau's
/// <c>PutJobRequest{Job}</c>: a Bacalhau-shaped job object) or <see cref="Spec"/> (Cairn's: the
/// spec's YAML or JSON text, so errors keep their line and column) is set.
/// </summary>
public sealed record PutJobRequest
{
    /// <summary>A Bacalhau-shaped job as a JSON object; server-managed fields (ID, State, Version, Revision, CreateTime, ModifyTime) are ignored.</summary>
    public JsonElement? Job { get; init; }

    /// <summary>The job spec as YAML or JSON text.</summary>
    public string? Spec { get; init; }

    /// <summary>The paying client's <c>did:key</c> (set on the job's <c>Payment.Client</c>; a spec cannot name it).</summary>
    public string? Client { get; init; }
}
