namespace Cairn.Jobs.Execution;

/// <summary>
/// Runs one task of one engine in a sandbox (Bacalhau's <c>executor</c>). The compute node prepares
/// every input (and every engine artifact, such as a Wasm module) into the content store and onto
/// disk before calling <see cref="RunAsync"/>, and publishes the outputs afterwards: an executor
/// only runs. Backends: <c>wasm</c> (Cairn.Executors.Wasm), <c>noop</c>, later <c>docker</c>; all pass
/// the executor conformance suite.
/// </summary>
public interface IExecutor
{
    /// <summary>The engine name this executor runs, lowercase (<c>wasm</c>, <c>noop</c>, <c>docker</c>).</summary>
    string Engine { get; }

    /// <summary>
    /// The engine's own inputs named in the task's engine parameters (for <c>wasm</c>: the entry module,
    /// then the import modules), which the compute node prepares like input sources and passes back
    /// in <see cref="ExecutorRequest.Artifacts"/> in the same order. Throws a
    /// <see cref="CairnException"/> (<see cref="ErrorCode.InvalidInput"/>) when the parameters are invalid.
    /// </summary>
    IReadOnlyList<InputSource> GetArtifacts(JobTask task);

    /// <summary>
    /// Runs the task to its end. A task that fails (non-zero exit, trap, out of fuel, timeout) is a
    /// result, not an exception; exceptions are for the executor's own failures. Cancelling
    /// <paramref name="cancellationToken"/> stops the task promptly and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<ExecutorResult> RunAsync(ExecutorRequest request, CancellationToken cancellationToken);
}
