using Cairn.Jobs.Specs;
using Cairn.Orchestrator.Specs;

namespace Cairn.Orchestrator.Tests.Specs;

public class JobSpecValidatorTests
{
    private static readonly JobSpecValidator Validator = new(["wasm", "noop", "docker"]);

    private const string Module = "data:application/wasm;base64,AGFzbQEAAAABBAFgAAADAgEABwoBBl9zdGFydAAACgQBAgAL";

    private static IReadOnlyList<SpecError> Errors(string yaml) =>
        Assert.Throws<JobSpecException>(() => JobSpecParser.ParseAndValidate(yaml, Validator)).Errors;

    private static string WasmTask(string engineParams, string extra = "") => $$"""
        Name: w
        Tasks:
          - Name: main
            Engine:
              Type: wasm
              Params:
        {{engineParams}}
        {{extra}}
        """;

    [Fact]
    public void Validate_WasmWithoutEntryModule_IsRequired()
    {
        var error = Assert.Single(Errors(WasmTask("        Entrypoint: _start")));

        Assert.Equal("Tasks[0].Engine.Params.EntryModule", error.Path);
        Assert.Equal("required: the Wasm module to run", error.Message);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public void Validate_MisspeltWasmParam_SuggestsAndLocates()
    {
        var errors = Errors(WasmTask($"        EntryModule: {{Source: {{Type: inline, Params: {{URL: \"{Module}\"}}}}}}\n        entrypiont: main"));

        var error = Assert.Single(errors);
        Assert.Equal("Tasks[0].Engine.Params.entrypiont", error.Path);
        Assert.Equal("unknown field; did you mean Entrypoint?", error.Message);
        Assert.Equal(8, error.Line);
    }

    [Fact]
    public void Validate_EntryModuleWithBadCid_PointsAtTheCid()
    {
        var error = Assert.Single(Errors(WasmTask("        EntryModule: {Source: {Type: ipfs, Params: {CID: not-a-cid}}}")));

        Assert.Equal("Tasks[0].Engine.Params.EntryModule.Source.Params.CID", error.Path);
        Assert.Equal("\"not-a-cid\" is not a CID", error.Message);
    }

    [Fact]
    public void Validate_EntryModuleAsBareCid_IsAccepted()
    {
        var job = JobSpecParser.ParseAndValidate(WasmTask("        EntryModule: bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"), Validator);

        var wasm = WasmEngineParams.FromSpec(job.Tasks[0].Engine);
        Assert.Equal("ipfs", wasm.EntryModule.Source.Type);
    }

    [Fact]
    public void Validate_InlineModuleWithBrokenBase64_IsRejected()
    {
        var error = Assert.Single(Errors(WasmTask("        EntryModule: {Source: {Type: inline, Params: {URL: \"data:application/wasm;base64,AGF*zbQ\"}}}")));

        Assert.Equal("Tasks[0].Engine.Params.EntryModule.Source.Params.URL", error.Path);
        Assert.Equal("the data: URL's base64 payload is malformed", error.Message);
    }

    [Fact]
    public void Validate_InputProblems_ReportedPerInput()
    {
        var errors = Errors(WasmTask(
            $"        EntryModule: {{Source: {{Type: inline, Params: {{URL: \"{Module}\"}}}}}}",
            """
                InputSources:
                  - Target: data
                    Source: {Type: ipfs, Params: {CID: QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u}}
                  - Target: /in
                    Source: {Type: s3, Params: {Bucket: b}}
                  - Target: /in
                    Source: {Type: url, Params: {URL: "ftp://example.com/x"}}
            """));

        Assert.Equal(4, errors.Count);
        Assert.Equal("Tasks[0].InputSources[0].Target", errors[0].Path);
        Assert.Equal("must be an absolute path, got \"data\"", errors[0].Message);
        Assert.Equal("Write it as /data.", errors[0].Hint);
        Assert.Equal("Tasks[0].InputSources[1].Source.Type", errors[1].Path);
        Assert.Equal("unknown input source type 's3'", errors[1].Message);
        Assert.Equal("Source.Type is one of inline, ipfs, local, url.", errors[1].Hint);
        Assert.Equal("Tasks[0].InputSources[2].Source.Params.URL", errors[2].Path);
        Assert.Equal("Tasks[0].InputSources[2].Target", errors[3].Path);
        Assert.Equal("\"/in\" is already the target of InputSources[1]", errors[3].Message);
    }

    [Fact]
    public void Validate_BacalhauSourceAliases_AreNormalized()
    {
        var job = JobSpecParser.ParseAndValidate(
            "Tasks:\n  - Engine: {Type: noop}\n    InputSources:\n      - {Target: /a, Source: {Type: localDirectory, Params: {SourcePath: /srv/a}}}\n      - {Target: /b, Source: {Type: urlDownload, Params: {URL: \"https://example.com/b\"}}}\n",
            Validator);

        Assert.Equal(["local", "url"], job.Tasks[0].InputSources.Select(i => i.Source.Type));
    }

    [Fact]
    public void Validate_DockerWithoutImage_IsRequired()
    {
        var error = Assert.Single(Errors("Tasks:\n  - Engine:\n      Type: docker\n      Params:\n        Parameters: [echo]\n"));

        Assert.Equal("Tasks[0].Engine.Params.Image", error.Path);
    }

    [Fact]
    public void Validate_DockerEnvWithoutEquals_IsRejected()
    {
        var error = Assert.Single(Errors("Tasks:\n  - Engine:\n      Type: docker\n      Params:\n        Image: busybox\n        EnvironmentVariables: [FOO]\n"));

        Assert.Equal("Tasks[0].Engine.Params.EnvironmentVariables[0]", error.Path);
        Assert.Equal("expected NAME=value, got \"FOO\"", error.Message);
    }

    [Fact]
    public void Validate_NoopWithParams_IsRejected()
    {
        var error = Assert.Single(Errors("Tasks:\n  - Engine:\n      Type: noop\n      Params: {Speed: fast}\n"));

        Assert.Equal("Tasks[0].Engine.Params.Speed", error.Path);
    }

    [Fact]
    public void Validate_ConstraintValueCounts_AreChecked()
    {
        var errors = Errors("""
            Constraints:
              - {Key: gpu, Operator: Exists, Values: [yes]}
              - {Key: zone, Operator: "=", Values: []}
              - {Key: cores, Operator: gt, Values: [many]}
              - {Key: "", Operator: In, Values: [a]}
            Tasks: [{Engine: {Type: noop}}]
            """);

        Assert.Equal(
            ["Constraints[0].Values", "Constraints[1].Values", "Constraints[2].Values[0]", "Constraints[3].Key"],
            errors.Select(e => e.Path));
        Assert.Equal("operator Exists takes no values, got 1", errors[0].Message);
        Assert.Equal("operator Equal takes exactly one value, got 0", errors[1].Message);
    }

    [Fact]
    public void Validate_UnknownOperator_IsAParseError()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecParser.Parse("Constraints: [{Key: a, Operator: like}]\nTasks: [{Engine: {Type: noop}}]\n"));

        Assert.Equal("Constraints[0].Operator", Assert.Single(e.Errors).Path);
    }

    [Fact]
    public void Validate_JobLevelProblems_AreAllReported()
    {
        var errors = Errors("""
            Count: 0
            Tasks:
              - Engine: {Type: noop}
              - Engine: {Type: noop}
            Verification: {Mode: redundant, Replicas: 1}
            Payment: {MaxPrice: 5}
            """);

        Assert.Equal(["Count", "Tasks", "Verification.Replicas", "Payment.Budget"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Validate_WasmWithNetwork_IsRejected()
    {
        var errors = Errors(WasmTask($"        EntryModule: {{Source: {{Type: inline, Params: {{URL: \"{Module}\"}}}}}}", "    Network: {Type: Full}"));

        Assert.Equal("Tasks[0].Network.Type", Assert.Single(errors).Path);
    }

    [Fact]
    public void Validate_ResultPaths_NeedUniqueNamesAndAbsolutePaths()
    {
        var errors = Errors("Tasks:\n  - Engine: {Type: noop}\n    ResultPaths:\n      - {Name: out, Path: /out}\n      - {Name: out, Path: out}\n");

        Assert.Equal(["Tasks[0].ResultPaths[1].Name", "Tasks[0].ResultPaths[1].Path"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Validate_NoEngines_SaysSo()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecParser.ParseAndValidate(SpecFiles.Read("noop.yaml"), new JobSpecValidator([])));

        Assert.Equal("This node has no engines enabled.", Assert.Single(e.Errors).Hint);
    }

    [Fact]
    public void Validate_BadEnvironmentNames_AreRejected()
    {
        var errors = Errors(WasmTask(
            $"        EntryModule: {{Source: {{Type: inline, Params: {{URL: \"{Module}\"}}}}}}\n        EnvironmentVariables: {{\"A=B\": x}}",
            "    Env: {\"\": y}"));

        Assert.Equal(["Tasks[0].Engine.Params.EnvironmentVariables.A=B", "Tasks[0].Env."], errors.Select(e => e.Path));
    }
}
