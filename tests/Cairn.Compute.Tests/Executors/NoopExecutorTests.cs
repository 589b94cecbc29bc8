using Cairn.Compute.Executors;
using Cairn.Compute.Tests.Conformance;
using Cairn.Jobs;
using Cairn.Jobs.Execution;

namespace Cairn.Compute.Tests.Executors;

public sealed class NoopExecutorTests : ExecutorConformanceTests
{
    protected override IExecutor CreateExecutor() => new NoopExecutor();

    protected override JobTask SucceedingTask() => new() { Name = "main", Engine = new SpecConfig { Type = "noop" } };

    protected override void CheckSucceeded(string inputHost, string outputHost, string stdout)
    {
        // Like Bacalhau's noop: nothing written anywhere.
        Assert.Empty(Directory.EnumerateFileSystemEntries(outputHost));
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Run_Always_ReportsZeroUsage()
    {
        var (request, _, _) = Prepare(SucceedingTask(), "usage");
        var result = await new NoopExecutor().RunAsync(request, CancellationToken.None);
        Assert.Equal(new Cairn.Market.Usage(0, 0, 0), result.Usage);
    }
}
