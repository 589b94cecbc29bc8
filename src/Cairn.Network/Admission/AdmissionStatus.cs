namespace Cairn.Network.Admission;

/// <summary>The decision about one node.</summary>
public enum AdmissionStatus
{
    /// <summary>The node may connect and get work.</summary>
    Admitted,

    /// <summary>The node waits for an operator's decision.</summary>
    Pending,

    /// <summary>The node is refused.</summary>
    Rejected,
}
