namespace Cairn.Jobs.Compute;

/// <summary>The orchestrator's side of the compute protocol: nodes report execution progress here.</summary>
public interface IComputeCallback
{
    /// <summary>Records a node's report about one of its executions.</summary>
    Task ReportAsync(ExecutionReport report, CancellationToken cancellationToken = default);
}
