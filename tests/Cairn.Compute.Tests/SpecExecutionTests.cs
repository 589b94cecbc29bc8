using Cairn.Compute.Tests.Conformance;
using Cairn.Jobs;
using Cairn.Jobs.Specs;
using Cairn.Orchestrator.Specs;

namespace Cairn.Compute.Tests;

/// <summary>Bacalhau-shaped specs, parsed and validated as a user's would be, run on the compute node unchanged.</summary>
public sealed class SpecExecutionTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("noop.yaml")]
    [InlineData("wasm-inline.yaml")]
    public async Task OrchestratorSampleSpec_RunsToCompleted(string file)
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "Cairn.Orchestrator.Tests", "Specs", file), ct);
        var job = JobSpecParser.ParseAndValidate(text, new JobSpecValidator(h.Node.Engines));
        var (_, end) = await h.RunAsync(job with { Id = JobId.New() }, ct);
        Assert.Equal(ExecutionState.Completed, end.State);
    }

    [Fact(Timeout = 60_000)]
    public async Task WasmSpecWithInlineModuleAndInput_RunsAndPublishesTheTransformedInput()
    {
        var ct = NodeHarness.Token();
        await using var h = new NodeHarness();
        var spec = $"""
            Name: shout
            Type: batch
            Tasks:
              - Name: main
                Engine:
                  Type: wasm
                  Params:
                    EntryModule: "{ExecutorModules.DataUrl("transform")}"
                    Parameters: [/inputs, /outputs]
                    EnvironmentVariables: {"{"}GREETING: hello{"}"}
                InputSources:
                  - Target: /inputs/words.txt
                    Source: {"{"}Type: inline, Params: {"{"}URL: "data:text/plain,the%20quick%20brown%20fox"{"}"}{"}"}
                ResultPaths:
                  - {"{"}Name: outputs, Path: /outputs{"}"}
                Resources: {"{"}CPU: 500m, Memory: 64Mb{"}"}
                Timeouts: {"{"}ExecutionTimeout: 30{"}"}
            """;
        var job = JobSpecParser.ParseAndValidate(spec, new JobSpecValidator(h.Node.Engines));
        var (_, end) = await h.RunAsync(job with { Id = JobId.New() }, ct);
        Assert.Equal(ExecutionState.Completed, end.State);
        var output = await h.ExportAsync(end.Result!.Outputs["outputs"], ct);
        Assert.Equal("THE QUICK BROWN FOX", await File.ReadAllTextAsync(Path.Combine(output, "words.txt"), ct));
        Assert.Contains("greeting=hello", await h.CatAsync(end.Result.StdoutCid!, ct), StringComparison.Ordinal);
    }
}
