using System.Text.Json;
using Cairn.Jobs;
using Cairn.Orchestrator.Specs;

namespace Cairn.Orchestrator.Tests.Specs;

public class JobSpecFormatterTests
{
    private static string Canonical(Job job) => JsonSerializer.Serialize(job);

    [Theory]
    [InlineData("docker-busybox.yaml")]
    [InlineData("wasm-inline.yaml")]
    [InlineData("noop.yaml")]
    [InlineData("wasm-ipfs.json")]
    public void Format_ExampleSpec_ParsesBackToTheSameJob(string file)
    {
        var job = JobSpecParser.Parse(SpecFiles.Read(file)).Job;

        var fromYaml = JobSpecParser.Parse(JobSpecFormatter.ToYaml(job), SpecFormat.Yaml).Job;
        var fromJson = JobSpecParser.Parse(JobSpecFormatter.ToJson(job), SpecFormat.Json).Job;

        Assert.Equal(Canonical(job), Canonical(fromYaml));
        Assert.Equal(Canonical(job), Canonical(fromJson));
    }

    [Fact]
    public void ToYaml_WritesBacalhauUnitsAndKeepsStringsThatLookLikeNumbers()
    {
        var job = TestJobs.Noop(resources: new Resources { CpuMillis = 500, MemoryBytes = 512L << 20 }, timeouts: new Timeouts { ExecutionTimeout = TimeSpan.FromMinutes(5), QueueTimeout = TimeSpan.FromMilliseconds(1500) }) with
        {
            Labels = new Dictionary<string, string> { ["version"] = "1.10", ["flag"] = "true" },
        };

        var yaml = JobSpecFormatter.ToYaml(job);
        var back = JobSpecParser.Parse(yaml).Job;

        Assert.Contains("CPU: 500m", yaml, StringComparison.Ordinal);
        Assert.Contains("Memory: 512Mi", yaml, StringComparison.Ordinal);
        Assert.Contains("ExecutionTimeout: 300", yaml, StringComparison.Ordinal);
        Assert.Equal("1.10", back.Labels["version"]);
        Assert.Equal("true", back.Labels["flag"]);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), back.Tasks[0].Timeouts.QueueTimeout);
        Assert.Equal(Canonical(job with { Id = default }), Canonical(back));
    }
}
