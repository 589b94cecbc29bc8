namespace Cairn.Orchestrator.Store;

/// <summary>One step of the job store's schema: applied once, in order, inside a transaction.</summary>
/// <param name="Version">The schema version this step produces (1, 2, ...).</param>
/// <param name="Description">What it changes.</param>
/// <param name="Sql">The statements.</param>
public sealed record JobStoreMigration(int Version, string Description, string Sql);
