namespace Cairn.Jobs.Execution;

/// <summary>The limits one execution runs under.</summary>
public sealed record ExecutionLimits
{
    /// <summary>Most Wasm fuel the task may use (the deal's budget ÷ its fuel price); null: unlimited, still metered.</summary>
    public long? Fuel { get; init; }

    /// <summary>Wall-clock limit (the task's ExecutionTimeout); null: none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Memory limit in bytes (the task's Resources.Memory); null: the engine's default.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>CPU limit in millicores (the task's Resources.CPU); null: none.</summary>
    public long? CpuMillis { get; init; }
}
