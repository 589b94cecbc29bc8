namespace Cairn.Jobs;

/// <summary>
/// A unit of work in a job — Bacalhau's <c>Task</c>, renamed because <c>Task</c> would shadow
/// <see cref="System.Threading.Tasks.Task"/> in every file that uses both.
/// </summary>
public sealed record JobTask
{
    /// <summary>The task's name, unique in the job.</summary>
    public required string Name { get; init; }

    /// <summary>The engine that runs it (<c>wasm</c>, <c>docker</c>, <c>noop</c>) and its parameters.</summary>
    public required SpecConfig Engine { get; init; }

    /// <summary>The data the task reads.</summary>
    public IReadOnlyList<InputSource> InputSources { get; init; } = [];

    /// <summary>Where results go (<c>local</c>: the node's content store); null means the node's default.</summary>
    public SpecConfig? Publisher { get; init; }

    /// <summary>Paths whose contents are published as results.</summary>
    public IReadOnlyList<ResultPath> ResultPaths { get; init; } = [];

    /// <summary>What the task needs.</summary>
    public Resources Resources { get; init; } = Resources.None;

    /// <summary>Its time limits.</summary>
    public Timeouts Timeouts { get; init; } = new();

    /// <summary>Its network access.</summary>
    public NetworkConfig Network { get; init; } = NetworkConfig.None;

    /// <summary>Environment variables for the task (engines may also take their own).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
