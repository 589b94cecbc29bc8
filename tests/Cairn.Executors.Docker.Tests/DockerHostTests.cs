namespace Cairn.Executors.Docker.Tests;

public sealed class DockerHostTests
{
    [Fact]
    public void Resolve_Configured_WinsAndDropsTheScheme()
    {
        Assert.Equal("/tmp/x.sock", DockerHost.Resolve("unix:///tmp/x.sock"));
        Assert.Equal("/tmp/y.sock", DockerHost.Resolve("/tmp/y.sock"));
    }

    [Fact]
    public void Resolve_TcpAddress_IsRejectedNamingTheSetting()
    {
        var e = Assert.Throws<CairnException>(() => DockerHost.Resolve("tcp://127.0.0.1:2375"));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains("DockerHost", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Hint);
    }
}
