namespace Cairn.Jobs;

/// <summary>Where an evaluation is in the queue.</summary>
public enum EvaluationStatus
{
    /// <summary>Waiting to be claimed (possibly not before its <see cref="EvaluationRecord.WaitUntil"/>).</summary>
    Pending,

    /// <summary>Claimed by a worker until its lease expires; reclaimed if the worker never acknowledges it.</summary>
    Leased,

    /// <summary>Processed.</summary>
    Completed,

    /// <summary>Given up after too many failed attempts.</summary>
    Failed,
}
