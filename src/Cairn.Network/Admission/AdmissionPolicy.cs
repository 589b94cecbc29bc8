namespace Cairn.Network.Admission;

/// <summary>Which compute nodes an orchestrator lets in.</summary>
public enum AdmissionPolicy
{
    /// <summary>Every node whose hello is correctly signed (the devstack default).</summary>
    Open,

    /// <summary>Only the DIDs on the allow-list (and those approved by hand); others are rejected.</summary>
    AllowList,

    /// <summary>Nodes wait as pending until an operator approves or rejects them (<c>cairn node approve|reject</c>).</summary>
    Manual,
}
