using Cairn.Cli.Commands;
using Cairn.Jobs;
using Cairn.Jobs.Specs;
using Cairn.Orchestrator.Specs;

namespace Cairn.Cli.Tests.Commands;

public class DockerRunCommandTests
{
    private static readonly JobSpecValidator Validator = new(["noop", "wasm", "docker"]);

    [Fact]
    public void DockerRunSpec_EveryOption_ParsesAndValidatesAsTheNodeWill()
    {
        const string Input = "bafybeial6coafk3yhsbsi6vs2pzw5ckhrxfz753rj2u6oxyxniua5gfmt4";
        var spec = DockerCommand.BuildSpec(new DockerCommand.RunArguments
        {
            Image = "registry.example/team/busybox:1.37.0",
            Args = ["-c", "cat /data/x > /outputs/y"],
            Entrypoint = ["/bin/sh"],
            Inputs = [Input + ":/data"],
            Env = ["MODE=fast", "EMPTY="],
            WorkingDirectory = "/tmp",
            Cpu = "500m",
            Memory = "64Mb",
            Network = "Full",
            Count = 2,
            Budget = 500,
            Timeout = 29.5,
        });

        var job = JobSpecParser.ParseAndValidate(spec.ToJsonString(), Validator);

        Assert.Equal("busybox", job.Name);
        Assert.Equal(2, job.Count);
        Assert.Equal(500, job.Payment!.Budget);
        var task = Assert.Single(job.Tasks);
        var docker = DockerEngineParams.FromSpec(task.Engine);
        Assert.Equal("registry.example/team/busybox:1.37.0", docker.Image);
        Assert.Equal(["/bin/sh"], docker.Entrypoint);
        Assert.Equal(["-c", "cat /data/x > /outputs/y"], docker.Parameters);
        Assert.Equal(["MODE=fast", "EMPTY="], docker.EnvironmentVariables);
        Assert.Equal("/tmp", docker.WorkingDirectory);
        Assert.Equal("/data", Assert.Single(task.InputSources).Target);
        Assert.Equal("/outputs", Assert.Single(task.ResultPaths).Path);
        Assert.Equal(NetworkMode.Full, task.Network.Type);
        Assert.Equal(500, task.Resources.CpuMillis);
        Assert.Equal(64_000_000, task.Resources.MemoryBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), task.Timeouts.ExecutionTimeout);
    }

    [Fact]
    public void DockerRunSpec_JustAnImage_LeavesTheImageDefaultsAndNoNetwork()
    {
        var job = JobSpecParser.ParseAndValidate(DockerCommand.BuildSpec(new DockerCommand.RunArguments { Image = "busybox:1.37.0" }).ToJsonString(), Validator);

        var task = Assert.Single(job.Tasks);
        var docker = DockerEngineParams.FromSpec(task.Engine);
        Assert.Empty(docker.Entrypoint);
        Assert.Empty(docker.Parameters);
        Assert.Equal(NetworkMode.None, task.Network.Type);
        Assert.Equal(1, job.Count);
    }

    [Theory]
    [InlineData("--input", "notacid:/data")]
    [InlineData("--input", "bafybeial6coafk3yhsbsi6vs2pzw5ckhrxfz753rj2u6oxyxniua5gfmt4")]
    [InlineData("--result", "outputs")]
    [InlineData("--env", "NOVALUE")]
    [InlineData("--network", "bridge")]
    [InlineData("--count", "0")]
    public void DockerRunSpec_BadOption_IsRejectedNamingIt(string option, string value)
    {
        var run = new DockerCommand.RunArguments { Image = "busybox:1.37.0" };
        run = option switch
        {
            "--input" => run with { Inputs = [value] },
            "--result" => run with { Results = [value] },
            "--env" => run with { Env = [value] },
            "--network" => run with { Network = value },
            _ => run with { Count = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
        };

        var e = Assert.Throws<CairnException>(() => DockerCommand.BuildSpec(run));

        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains(option, e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task DockerRun_PrintSpec_WritesTheSpecWithoutANode()
    {
        var result = await CliRunner.RunAsync(["docker", "run", "--print-spec", "--api", "http://127.0.0.1:9", "busybox:1.37.0", "--", "echo", "hi"], TestContext.Current);

        Assert.Equal(0, result.ExitCode);
        var job = JobSpecParser.ParseAndValidate(result.Stdout, Validator);
        Assert.Equal(["echo", "hi"], DockerEngineParams.FromSpec(Assert.Single(job.Tasks).Engine).Parameters);
    }
}
