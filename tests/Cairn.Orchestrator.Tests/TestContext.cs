namespace Cairn.Orchestrator.Tests;

internal static class TestContext
{
    /// <summary>A token that fires after a minute, so a hung test fails instead of blocking the run.</summary>
    public static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;
}
