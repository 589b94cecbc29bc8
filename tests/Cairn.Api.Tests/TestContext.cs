namespace Cairn.Api.Tests;

/// <summary>The token every test passes down (xunit 2 has no ambient one): long enough for a slow shared machine.</summary>
internal static class TestContext
{
    public static CancellationToken Current => new CancellationTokenSource(TimeSpan.FromSeconds(55)).Token;
}
