using Cairn.Jobs;
using Cairn.Jobs.Execution;

namespace Cairn.Compute.Executors;

/// <summary>
/// The <c>noop</c> engine (Bacalhau's <c>executor/noop</c>): runs nothing, exits 0 with zero usage.
/// It exercises the whole loop (bid, inputs, publishing, receipt, settlement) without a sandbox.
/// </summary>
public sealed class NoopExecutor : IExecutor
{
    /// <summary>The engine name.</summary>
    public const string EngineName = "noop";

    /// <inheritdoc />
    public string Engine => EngineName;

    /// <inheritdoc />
    public IReadOnlyList<InputSource> GetArtifacts(JobTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return [];
    }

    /// <inheritdoc />
    public Task<ExecutorResult> RunAsync(ExecutorRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new ExecutorResult { ExitCode = 0 });
    }
}
