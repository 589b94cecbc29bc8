using Cairn.Compute.Tests.Conformance;
using Cairn.Jobs;
using Cairn.Jobs.Execution;

namespace Cairn.Executors.Wasm.Tests;

public sealed class WasmExecutorConformanceTests : ExecutorConformanceTests
{
    protected override IExecutor CreateExecutor() => new WasmExecutor();

    protected override JobTask SucceedingTask() => new() { Name = "main", Engine = ExecutorModules.WasmEngine("transform", ["/inputs", "/outputs"]) };

    protected override void CheckSucceeded(string inputHost, string outputHost, string stdout)
    {
        Assert.Equal("HELLO, CAIRN!\n", File.ReadAllText(Path.Combine(outputHost, "hello.txt")));
        Assert.Equal("A,B\n1,2\n", File.ReadAllText(Path.Combine(outputHost, "sub", "data.csv")));
        Assert.Contains("copied 2 files", stdout, StringComparison.Ordinal);
    }
}
