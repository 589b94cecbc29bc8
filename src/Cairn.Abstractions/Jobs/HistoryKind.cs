namespace Cairn.Jobs;

/// <summary>What a <see cref="JobHistoryEntry"/> is about.</summary>
public enum HistoryKind
{
    /// <summary>The job's state changed.</summary>
    Job,

    /// <summary>One of its executions changed.</summary>
    Execution,

    /// <summary>One of its evaluations changed.</summary>
    Evaluation,
}
