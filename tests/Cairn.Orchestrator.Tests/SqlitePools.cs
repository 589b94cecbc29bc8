using System.Runtime.CompilerServices;
using Cairn.Tests.Shared;
using Microsoft.Data.Sqlite;

namespace Cairn.Orchestrator.Tests;

/// <summary>Clears SQLite's connection pools before a test folder is removed (they keep files open).</summary>
internal static class SqlitePools
{
    [ModuleInitializer]
    internal static void Register() => TempDir.BeforeDelete += SqliteConnection.ClearAllPools;
}
