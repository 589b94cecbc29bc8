using Cairn.Jobs;
using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Orchestrator.Tests.Jobs;

public class ResourceQuantityTests
{
    [Theory]
    [InlineData("500m", 500)]
    [InlineData("0.5", 500)]
    [InlineData("1", 1000)]
    [InlineData("2.25", 2250)]
    [InlineData("0.0001", 1)]
    [InlineData(" 3 ", 3000)]
    public void TryParseCpu_BacalhauForms_GiveMillicores(string text, long expected)
    {
        Assert.True(ResourceQuantity.TryParseCpu(text, out var millis, out _));
        Assert.Equal(expected, millis);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("lots")]
    [InlineData("1 core")]
    public void TryParseCpu_Garbage_Fails(string text) => Assert.False(ResourceQuantity.TryParseCpu(text, out _, out _));

    [Theory]
    [InlineData("512Mb", 512_000_000L)]
    [InlineData("512MB", 512_000_000L)]
    [InlineData("1Gi", 1L << 30)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1GB", 1_000_000_000L)]
    [InlineData("1.5Gb", 1_500_000_000L)]
    [InlineData("4096", 4096L)]
    [InlineData("10 KiB", 10_240L)]
    [InlineData("2k", 2000L)]
    [InlineData("1Ti", 1L << 40)]
    [InlineData("7b", 7L)]
    public void TryParseBytes_BacalhauForms_GiveBytes(string text, long expected)
    {
        Assert.True(ResourceQuantity.TryParseBytes(text, out var bytes, out _));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Gb")]
    [InlineData("-1Gb")]
    [InlineData("1 zettabyte")]
    [InlineData("99999999999Pb")]
    public void TryParseBytes_Garbage_Fails(string text) => Assert.False(ResourceQuantity.TryParseBytes(text, out _, out _));

    [Fact]
    public void FormatBytes_ThenParse_RoundTrips()
    {
        Prop.ForAll<int, byte>((n, shift) =>
        {
            var bytes = (long)Math.Abs((long)n) << (shift % 20);
            return ResourceQuantity.TryParseBytes(ResourceQuantity.FormatBytes(bytes), out var back, out _) && back == bytes;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void FormatCpu_ThenParse_RoundTrips()
    {
        Prop.ForAll<int>(n =>
        {
            var millis = (long)Math.Abs((long)n);
            return ResourceQuantity.TryParseCpu(ResourceQuantity.FormatCpu(millis), out var back, out _) && back == millis;
        }).QuickCheckThrowOnFailure();
    }
}
