namespace Cairn.Network.Admission;

/// <summary>The operator's decisions as kept on disk.</summary>
internal sealed record AdmissionDecisions(IReadOnlyList<string> Approved, IReadOnlyList<string> Rejected);
