using Cairn.Compute.Tests.Conformance;
using Cairn.Executors.Docker.Tests.Podman;
using Cairn.Jobs;
using Cairn.Jobs.Execution;

namespace Cairn.Executors.Docker.Tests;

public sealed class DockerExecutorConformanceTests : ExecutorConformanceTests
{
    protected override IExecutor CreateExecutor() => new DockerExecutor(new DockerApiClient(PodmanService.SocketPath));

    protected override JobTask SucceedingTask() => new()
    {
        Name = "main",
        Engine = DockerSpecs.Engine(PodmanService.Image, ["sh", "-c", "cp -r /inputs/. /outputs/ && echo copied $(find /outputs -type f | wc -l) files"]),
    };

    protected override void CheckSucceeded(string inputHost, string outputHost, string stdout)
    {
        Assert.Equal("Hello, Cairn!\n", File.ReadAllText(Path.Combine(outputHost, "hello.txt")));
        Assert.Equal("a,b\n1,2\n", File.ReadAllText(Path.Combine(outputHost, "sub", "data.csv")));
        Assert.Equal("copied 2 files\n", stdout);
    }
}
