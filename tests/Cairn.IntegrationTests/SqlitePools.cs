using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Cairn.IntegrationTests;

internal static class SqlitePools
{
    // Pooled SQLite connections keep the ledger and job files open after a node stops; clear them
    // before a test's temporary home is removed.
    [ModuleInitializer]
    internal static void Init() => TempDir.BeforeDelete += SqliteConnection.ClearAllPools;
}
