namespace Cairn.Jobs;

/// <summary>How a job's result is checked before the deal settles.</summary>
public enum VerificationMode
{
    /// <summary>Trust the node's receipt.</summary>
    None,

    /// <summary>Run on several nodes and compare the output CIDs.</summary>
    Redundant,

    /// <summary>Accept the receipt, leaving a window in which anyone may challenge it.</summary>
    Optimistic,
}
