namespace Cairn.Jobs.Execution;

/// <summary>Everything an executor needs to run one execution, already on local disk.</summary>
public sealed record ExecutorRequest
{
    /// <summary>The execution being run.</summary>
    public required ExecutionId ExecutionId { get; init; }

    /// <summary>The job (for its id, name, labels).</summary>
    public required Job Job { get; init; }

    /// <summary>The task to run.</summary>
    public required JobTask Task { get; init; }

    /// <summary>The task's input sources, in the task's order, mounted read-only at their targets.</summary>
    public IReadOnlyList<PreparedInput> Inputs { get; init; } = [];

    /// <summary>The engine's artifacts, in the order <see cref="IExecutor.GetArtifacts"/> returned them.</summary>
    public IReadOnlyList<PreparedInput> Artifacts { get; init; } = [];

    /// <summary>The task's result paths, each an empty writable host directory.</summary>
    public IReadOnlyList<PreparedOutput> Outputs { get; init; } = [];

    /// <summary>Where the task's standard output goes (the node captures and publishes it).</summary>
    public required Stream Stdout { get; init; }

    /// <summary>Where the task's standard error goes.</summary>
    public required Stream Stderr { get; init; }

    /// <summary>The limits the task runs under.</summary>
    public ExecutionLimits Limits { get; init; } = new();
}
