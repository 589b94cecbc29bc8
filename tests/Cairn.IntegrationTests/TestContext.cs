namespace Cairn.IntegrationTests;

/// <summary>The cancellation token tests pass down: cancelled when the test run is aborted.</summary>
internal static class TestContext
{
    private static readonly CancellationTokenSource Abort = new();

    static TestContext() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Abort.Cancel();

    public static CancellationToken Current => Abort.Token;
}
