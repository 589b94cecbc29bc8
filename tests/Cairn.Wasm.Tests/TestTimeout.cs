namespace Cairn.Wasm.Tests;

/// <summary>A cancellation token that fires before the xunit timeout, so work started by a test stops with it.</summary>
internal static class TestTimeout
{
    public static CancellationToken Token() => new CancellationTokenSource(TimeSpan.FromSeconds(50)).Token;
}
