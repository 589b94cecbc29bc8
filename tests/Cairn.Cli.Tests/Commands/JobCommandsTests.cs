using Cairn.Cli.Commands;
using Cairn.Jobs;
using Cairn.Jobs.Specs;
using Cairn.Orchestrator.Specs;

namespace Cairn.Cli.Tests.Commands;

public class JobCommandsTests
{
    private static readonly JobSpecValidator Validator = new(["noop", "wasm"]);

    [Fact(Timeout = 60_000)]
    public async Task WasmSubmitSpec_ModuleFileInputsArgsEnv_ParsesAndValidatesAsTheNodeWill()
    {
        using var dir = new TempDir();
        var module = dir.Combine("prog.wasm");
        byte[] bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
        await File.WriteAllBytesAsync(module, bytes, TestContext.Current);
        const string Input = "bafybeial6coafk3yhsbsi6vs2pzw5ckhrxfz753rj2u6oxyxniua5gfmt4";

        var spec = await WasmSubmitCommand.BuildSpecAsync(module, ["-o", "/outputs/x", "/data"], [Input + ":/data"], [], ["MODE=fast"], 500, 30, null, TestContext.Current);
        var job = JobSpecParser.ParseAndValidate(spec.ToJsonString(), Validator);

        Assert.Equal("prog", job.Name);
        var task = Assert.Single(job.Tasks);
        var wasm = WasmEngineParams.FromSpec(task.Engine);
        Assert.Equal(["-o", "/outputs/x", "/data"], wasm.Parameters);
        Assert.Equal("fast", wasm.EnvironmentVariables["MODE"]);
        Assert.Equal("inline", wasm.EntryModule.Source.Type);
        Assert.Equal("/data", Assert.Single(task.InputSources).Target);
        Assert.Equal("/outputs", Assert.Single(task.ResultPaths).Path);
        Assert.Equal(TimeSpan.FromSeconds(30), task.Timeouts.ExecutionTimeout);
        Assert.Equal(500, job.Payment!.Budget);
    }

    [Theory]
    [InlineData("bafybeial6coafk3yhsbsi6vs2pzw5ckhrxfz753rj2u6oxyxniua5gfmt4")]
    [InlineData("notacid:/data")]
    [InlineData("bafybeial6coafk3yhsbsi6vs2pzw5ckhrxfz753rj2u6oxyxniua5gfmt4:data")]
    public async Task WasmSubmitSpec_BadInput_IsRejectedNamingTheOption(string input)
    {
        var e = await Assert.ThrowsAsync<CairnException>(() => WasmSubmitCommand.BuildSpecAsync(
            "bafybeial6coafk3yhsbsi6vs2pzw5ckhrxfz753rj2u6oxyxniua5gfmt4", [], [input], [], [], null, null, null, TestContext.Current));

        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains("--input", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WasmSubmitSpec_NeitherFileNorCid_SaysSo()
    {
        var e = await Assert.ThrowsAsync<CairnException>(() => WasmSubmitCommand.BuildSpecAsync("/no/such/module.wasm", [], [], [], [], null, null, null, TestContext.Current));

        Assert.Equal(ErrorCode.NotFound, e.Code);
    }

    [Theory]
    [InlineData(JobState.Completed, null, 0)]
    [InlineData(JobState.Failed, "3 execution(s) failed; the last: the task exited with code 3", 20)]
    [InlineData(JobState.Stopped, "stopped by client", 21)]
    [InlineData(JobState.Failed, "total timeout of 1m exceeded", 22)]
    [InlineData(JobState.Running, null, 23)]
    public void ExitCodeFor_EachOutcome_IsInTheJobRange(JobState state, string? message, int expected) =>
        Assert.Equal(expected, NodeApi.ExitCodeFor(state, message));

    [Theory]
    [InlineData(null, null, "http://127.0.0.1:4780/")]
    [InlineData(null, "10.0.0.5:9000", "http://10.0.0.5:9000/")]
    [InlineData("http://node:1234", "10.0.0.5:9000", "http://node:1234/")]
    public void ResolveUrl_OptionThenEnvironmentThenDefault(string? option, string? env, string expected)
    {
        var before = Environment.GetEnvironmentVariable("CAIRN_API");
        try
        {
            Environment.SetEnvironmentVariable("CAIRN_API", env);
            Assert.Equal(expected, NodeApi.ResolveUrl(option).ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("CAIRN_API", before);
        }
    }

    [Fact]
    public void ResolveUrl_NotHttp_IsRejected() =>
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => NodeApi.ResolveUrl("ftp://x")).Code);
}
