using Cairn.Jobs;
using Cairn.Jobs.Specs;
using Cairn.Orchestrator.Specs;

namespace Cairn.Orchestrator.Tests.Specs;

public class JobSpecParserTests
{
    private static readonly JobSpecValidator Validator = new(["wasm", "noop", "docker"]);

    private static JobSpecException ParseFails(string text, SpecFormat format = SpecFormat.Auto) =>
        Assert.Throws<JobSpecException>(() => JobSpecParser.Parse(text, format));

    [Fact]
    public void Parse_DockerBusyboxExample_BindsEveryField()
    {
        var job = JobSpecParser.ParseAndValidate(SpecFiles.Read("docker-busybox.yaml"), Validator);

        Assert.Equal("hello-busybox", job.Name);
        Assert.Equal(JobType.Batch, job.Type);
        Assert.Equal("examples", job.Labels["team"]);
        var task = Assert.Single(job.Tasks);
        Assert.Equal("docker", task.Engine.Type);
        Assert.Equal(250, task.Resources.CpuMillis);
        Assert.Equal(64_000_000, task.Resources.MemoryBytes);
        Assert.Equal(TimeSpan.FromSeconds(60), task.Timeouts.ExecutionTimeout);
        var docker = DockerEngineParams.FromSpec(task.Engine);
        Assert.Equal("busybox:1.36", docker.Image);
        Assert.Equal(["/bin/sh"], docker.Entrypoint);
        Assert.Equal(["-c", "echo hello from cairn"], docker.Parameters);
        Assert.Equal(["GREETING=hello"], docker.EnvironmentVariables);
        Assert.Equal("/tmp", docker.WorkingDirectory);
    }

    [Fact]
    public void Parse_WasmInlineExample_DecodesModuleAndReadsLowercaseKeys()
    {
        var job = JobSpecParser.ParseAndValidate(SpecFiles.Read("wasm-inline.yaml"), Validator);

        var task = Assert.Single(job.Tasks);
        Assert.Equal("wasm", task.Engine.Type);
        var wasm = WasmEngineParams.FromSpec(task.Engine);
        Assert.Equal("_start", wasm.Entrypoint);
        Assert.Equal(["/inputs/words.txt", "42"], wasm.Parameters);
        Assert.Equal("count", wasm.EnvironmentVariables["MODE"]);
        Assert.Equal("inline", wasm.EntryModule.Source.Type);
        Assert.True(DataUrl.TryParse((string?)wasm.EntryModule.Source.GetParam("url"), out var module, out _));
        Assert.Equal("application/wasm", module.MediaType);
        Assert.Equal("\0asm"u8.ToArray(), module.Data[..4].ToArray());
        Assert.Equal(36, module.Data.Length);

        var input = Assert.Single(task.InputSources);
        Assert.Equal("words", input.Alias);
        Assert.True(DataUrl.TryParse((string?)input.Source.GetParam("URL"), out var words, out _));
        Assert.Equal("the quick brown fox"u8.ToArray(), words.Data.ToArray());
        Assert.Equal(new Payment { Budget = 1_000_000, MaxPrice = 10 }, job.Payment);
        Assert.Equal("local", task.Publisher?.Type);
    }

    [Fact]
    public void Parse_NoopExample_IsValid()
    {
        var job = JobSpecParser.ParseAndValidate(SpecFiles.Read("noop.yaml"), Validator);

        Assert.Equal("A noop job", job.Name);
        Assert.Equal("noop", Assert.Single(job.Tasks).Engine.Type);
        Assert.Equal(1, job.Count);
    }

    [Fact]
    public void Validate_VroomvroomEngine_FailsNamingTheEnginesThisNodeHas()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecParser.ParseAndValidate(SpecFiles.Read("invalid-engine.yaml"), Validator));

        var error = Assert.Single(e.Errors);
        Assert.Equal("Tasks[0].Engine.Type", error.Path);
        Assert.Equal("unknown engine 'vroomvroom'", error.Message);
        Assert.Equal("This node has these engines: docker, noop, wasm.", error.Hint);
        Assert.Equal(8, error.Line);
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains("Tasks[0].Engine.Type (line 8, column 7): unknown engine 'vroomvroom'", e.Message, StringComparison.Ordinal);
        Assert.Equal(error.Hint, e.Hint);
    }

    [Fact]
    public void Validate_EngineMissingOnThisNode_ListsOnlyThisNodesEngines()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecParser.ParseAndValidate(SpecFiles.Read("docker-busybox.yaml"), new JobSpecValidator(["wasm", "noop"])));

        var error = Assert.Single(e.Errors);
        Assert.Equal("unknown engine 'docker'", error.Message);
        Assert.Equal("This node has these engines: noop, wasm.", error.Hint);
    }

    [Fact]
    public void Parse_JsonExample_BindsConstraintsResourcesTimeoutsAndVerification()
    {
        var document = JobSpecParser.Parse(SpecFiles.Read("wasm-ipfs.json"));
        Assert.Equal(SpecFormat.Json, document.Format);
        var job = document.Job;
        Assert.Empty(Validator.Validate(job));

        Assert.Equal(JobType.Ops, job.Type);
        Assert.Equal(ConstraintOperator.In, job.Constraints[0].Operator);
        Assert.Equal(["eu-west", "eu-central"], job.Constraints[0].Values);
        Assert.Equal(ConstraintOperator.KeyNotIn, job.Constraints[1].Operator);
        var task = job.Tasks[0];
        Assert.Equal(500, task.Resources.CpuMillis);
        Assert.Equal(1L << 30, task.Resources.MemoryBytes);
        Assert.Equal(1_000_000_000, task.Resources.DiskBytes);
        Assert.Equal(TimeSpan.FromMinutes(5), task.Timeouts.ExecutionTimeout);
        Assert.Equal(TimeSpan.FromHours(1), task.Timeouts.TotalTimeout);
        Assert.Equal(new Verification { Mode = VerificationMode.Redundant, Replicas = 2 }, job.Verification);
    }

    [Theory]
    [InlineData("Name")]
    [InlineData("name")]
    [InlineData("NAME")]
    [InlineData("nAmE")]
    public void Parse_KeysInAnyCase_AreTheSameField(string key)
    {
        var job = JobSpecParser.Parse($"{key}: x\nTasks:\n  - Engine:\n      Type: noop\n").Job;

        Assert.Equal("x", job.Name);
    }

    [Fact]
    public void Parse_MisspeltParams_ReportsPathLineAndSuggestion()
    {
        var e = ParseFails("""
            Name: x
            Tasks:
              - Name: main
                Engine:
                  Type: wasm
                  Parmas:
                    Entrypoint: _start
            """);

        var error = Assert.Single(e.Errors);
        Assert.Equal("Tasks[0].Engine.Parmas", error.Path);
        Assert.Equal("unknown field; did you mean Params?", error.Message);
        Assert.Equal(6, error.Line);
        Assert.Equal(7, error.Column);
        Assert.Equal("The fields here are: Type, Params.", error.Hint);
        Assert.StartsWith("Invalid job spec: Tasks[0].Engine.Parmas (line 6, column 7): unknown field; did you mean Params?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownTopLevelField_IsRejected()
    {
        var e = ParseFails("Name: x\nColour: blue\nTasks: [{Engine: {Type: noop}}]\n");

        var error = Assert.Single(e.Errors);
        Assert.Equal("Colour", error.Path);
        Assert.Equal("unknown field", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Parse_WrongTypes_ReportEachWithExpectedTypeAndPosition()
    {
        var e = ParseFails("""
            Name: x
            Count: two
            Tasks:
              - Engine:
                  Type: noop
                Resources:
                  CPU: lots
                InputSources: /data
            """);

        Assert.Equal(3, e.Errors.Count);
        Assert.Equal("Count", e.Errors[0].Path);
        Assert.Equal("expected an integer, got a string (\"two\")", e.Errors[0].Message);
        Assert.Equal((2, 1), (e.Errors[0].Line, e.Errors[0].Column));
        Assert.Equal("Tasks[0].InputSources", e.Errors[1].Path);
        Assert.Equal("expected a list, got a string (\"/data\")", e.Errors[1].Message);
        Assert.Equal("Tasks[0].Resources.CPU", e.Errors[2].Path);
        Assert.StartsWith("expected a CPU quantity", e.Errors[2].Message, StringComparison.Ordinal);
        Assert.Equal(7, e.Errors[2].Line);
    }

    [Fact]
    public void Parse_QuotedNumberForCount_IsATypeError()
    {
        var e = ParseFails("Count: \"2\"\nTasks: [{Engine: {Type: noop}}]\n");

        Assert.Equal("expected an integer, got a string (\"2\")", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void Parse_SameKeyInTwoCases_IsADuplicate()
    {
        var e = ParseFails("Name: a\nname: b\nTasks: [{Engine: {Type: noop}}]\n");

        var error = Assert.Single(e.Errors);
        Assert.Equal("name", error.Path);
        Assert.Equal("duplicate field: Name is already set at line 1", error.Message);
        Assert.Equal("Field names are case-insensitive, so these are the same field.", error.Hint);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Parse_MalformedYaml_ReportsLineAndColumn()
    {
        var e = ParseFails("Name: x\nTasks:\n  - Engine: {Type: noop\n");

        var error = Assert.Single(e.Errors);
        Assert.Equal(string.Empty, error.Path);
        Assert.StartsWith("not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void Parse_MalformedJson_ReportsLineAndColumn()
    {
        var e = ParseFails("{\n  \"Name\": \"x\",\n  \"Tasks\": [ }\n", SpecFormat.Json);

        var error = Assert.Single(e.Errors);
        Assert.StartsWith("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Parse_JsonUnknownField_ReportsJsonPosition()
    {
        var e = ParseFails("{\n  \"Name\": \"x\",\n  \"Tasks\": [\n    {\"Engine\": {\"Type\": \"noop\", \"Parms\": {}}}\n  ]\n}\n");

        var error = Assert.Single(e.Errors);
        Assert.Equal("Tasks[0].Engine.Parms", error.Path);
        Assert.Equal("unknown field; did you mean Params?", error.Message);
        Assert.Equal(4, error.Line);
        Assert.Equal(33, error.Column);
    }

    [Fact]
    public void Parse_YamlFlowMappingStartingWithBrace_IsReadAsYaml()
    {
        var document = JobSpecParser.Parse("{Name: flow, Tasks: [{Engine: {Type: noop}}]}");

        Assert.Equal(SpecFormat.Yaml, document.Format);
        Assert.Equal("flow", document.Job.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("- a\n- b\n")]
    [InlineData("just a string")]
    public void Parse_DocumentThatIsNotAMapping_IsRejected(string text)
    {
        var e = ParseFails(text);

        Assert.Equal(string.Empty, Assert.Single(e.Errors).Path);
    }

    [Fact]
    public void Parse_TwoYamlDocuments_IsRejected()
    {
        var e = ParseFails("Name: a\n---\nName: b\n");

        Assert.Equal("expected one YAML document, got 2", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void Parse_UnknownJobType_SuggestsTheClosest()
    {
        var e = ParseFails("Type: bacth\nTasks: [{Engine: {Type: noop}}]\n");

        var error = Assert.Single(e.Errors);
        Assert.Equal("Type", error.Path);
        Assert.Equal("unknown job type 'bacth'; did you mean batch?", error.Message);
    }

    [Fact]
    public void Parse_DefaultsMissingFields()
    {
        var job = JobSpecParser.Parse("Tasks:\n  - Engine:\n      Type: noop\n").Job;

        Assert.Equal(JobType.Batch, job.Type);
        Assert.Equal(1, job.Count);
        Assert.Equal("default", job.Namespace);
        Assert.Equal("main", job.Tasks[0].Name);
        Assert.Null(job.Payment);
        Assert.Equal(NetworkMode.None, job.Tasks[0].Network.Type);
    }

    [Fact]
    public async Task ParseFile_MissingFile_IsNotFound()
    {
        var e = await Assert.ThrowsAsync<CairnException>(() => JobSpecParser.ParseFileAsync("/nonexistent/spec.yaml", TestContext.Token));

        Assert.Equal(ErrorCode.NotFound, e.Code);
    }

    [Fact]
    public async Task ParseFile_JsonExtension_ParsesAsJson()
    {
        var document = await JobSpecParser.ParseFileAsync(SpecFiles.PathOf("wasm-ipfs.json"), TestContext.Token);

        Assert.Equal(SpecFormat.Json, document.Format);
    }

    [Fact]
    public void Parse_YamlAliasBomb_IsRefused()
    {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (var i = 0; i < 8; i++)
        {
            text += $"{(char)('b' + i)}: &{(char)('b' + i)} [*{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}]\n";
        }

        var e = ParseFails(text);

        Assert.Equal("the spec expands to more than 100000 values", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void Parse_YamlAliases_AreExpanded()
    {
        var job = JobSpecParser.Parse("Labels: &l {team: a}\nMeta: *l\nTasks: [{Engine: {Type: noop}}]\n").Job;

        Assert.Equal("a", job.Meta["team"]);
    }
}
