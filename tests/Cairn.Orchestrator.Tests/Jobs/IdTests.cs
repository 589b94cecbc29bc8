using System.Text.Json;
using Cairn.Jobs;

namespace Cairn.Orchestrator.Tests.Jobs;

public class IdTests
{
    [Fact]
    public void JobId_New_HasPrefixAndParsesBack()
    {
        var id = JobId.New();

        Assert.StartsWith("j-", id.Value, StringComparison.Ordinal);
        Assert.Equal(id, JobId.Parse(id.Value));
        Assert.Equal(id, JobId.Parse(id.Value.ToUpperInvariant().Replace("J-", "j-", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("j-")]
    [InlineData("e-0b6c9a8e-2f4d-4c55-9a0e-3f1f5a7d2c11")]
    [InlineData("j-not-a-uuid")]
    public void JobId_Parse_Malformed_IsInvalidArgument(string text)
    {
        Assert.False(JobId.TryParse(text, out _));
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<CairnException>(() => JobId.Parse(text)).Code);
    }

    [Fact]
    public void Ids_Json_RoundTripAsStrings()
    {
        var execution = ExecutionId.New();
        var json = JsonSerializer.Serialize(new { execution, node = NodeId.Parse("did:key:zDnae") });

        Assert.Equal($"{{\"execution\":\"{execution.Value}\",\"node\":\"did:key:zDnae\"}}", json);
        Assert.Equal(execution, JsonSerializer.Deserialize<ExecutionId>($"\"{execution.Value}\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<EvaluationId>("\"ev-nope\""));
    }

    [Theory]
    [InlineData("node one")]
    [InlineData("")]
    [InlineData("n/1")]
    public void NodeId_Malformed_IsRejected(string text) => Assert.False(NodeId.TryParse(text, out _));
}
