namespace Cairn.ApiModels;

/// <summary>Answer to <c>GET /api/v1/orchestrator/jobs/{id}</c>.</summary>
public sealed record GetJobResponse
{
    /// <summary>The job.</summary>
    public required JobView Job { get; init; }

    /// <summary>Its executions, oldest first.</summary>
    public IReadOnlyList<ExecutionView> Executions { get; init; } = [];

    /// <summary>The deals of its executions, as the ledger has them (empty without a ledger).</summary>
    public IReadOnlyList<DealView> Deals { get; init; } = [];
}
