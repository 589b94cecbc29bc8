using Cairn.Market;

namespace Cairn.Jobs.Execution;

/// <summary>How a task ended, as its executor saw it.</summary>
public sealed record ExecutorResult
{
    /// <summary>The task's exit code (0 = success; a trap gives a non-zero code).</summary>
    public int ExitCode { get; init; }

    /// <summary>Why it failed, in one line (the trap and function, "out of fuel", "execution timeout of 30s exceeded"), or null.</summary>
    public string? Error { get; init; }

    /// <summary>What it used, for billing.</summary>
    public Usage Usage { get; init; } = new(0, 0, 0);

    /// <summary>The most memory it held at once.</summary>
    public long PeakMemoryBytes { get; init; }

    /// <summary>How long it ran.</summary>
    public TimeSpan WallTime { get; init; }

    /// <summary>True when the task succeeded (exit code 0 and no error).</summary>
    public bool Succeeded => ExitCode == 0 && Error is null;
}
