namespace Cairn.Jobs;

/// <summary>
/// A job as submitted: Bacalhau's job spec plus Cairn's <see cref="Payment"/> and
/// <see cref="Verification"/>. Immutable; the orchestrator keeps its state in a <see cref="JobRecord"/>.
/// </summary>
public sealed record Job
{
    /// <summary>The job's id, given by the orchestrator at submission.</summary>
    public JobId Id { get; init; }

    /// <summary>A human-readable name (defaults to the id).</summary>
    public required string Name { get; init; }

    /// <summary>The namespace it belongs to (<c>default</c>).</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>How it is scheduled.</summary>
    public JobType Type { get; init; } = JobType.Batch;

    /// <summary>Higher runs first when the queue is contended.</summary>
    public int Priority { get; init; }

    /// <summary>How many executions (batch, service); ignored by ops and daemon.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Conditions on node labels.</summary>
    public IReadOnlyList<Constraint> Constraints { get; init; } = [];

    /// <summary>Labels for filtering jobs.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The tasks (one, for now).</summary>
    public required IReadOnlyList<JobTask> Tasks { get; init; }

    /// <summary>What the client pays; null for a free job on the client's own node.</summary>
    public Payment? Payment { get; init; }

    /// <summary>How results are verified; null means <see cref="VerificationMode.None"/>.</summary>
    public Verification? Verification { get; init; }
}
