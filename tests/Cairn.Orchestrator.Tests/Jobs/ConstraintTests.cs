using Cairn.Jobs;

namespace Cairn.Orchestrator.Tests.Jobs;

public class ConstraintTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["region"] = "eu-west", ["cores"] = "16" };

    [Theory]
    [InlineData("region", "in", "eu-west,us-east", true)]
    [InlineData("region", "in", "us-east", false)]
    [InlineData("region", "notin", "us-east", true)]
    [InlineData("zone", "notin", "a", true)]
    [InlineData("region", "exists", "", true)]
    [InlineData("zone", "exists", "", false)]
    [InlineData("zone", "KeyNotIn", "", true)]
    [InlineData("region", "!", "", false)]
    [InlineData("region", "=", "eu-west", true)]
    [InlineData("region", "==", "eu-east", false)]
    [InlineData("region", "!=", "eu-east", true)]
    [InlineData("cores", "gt", "8", true)]
    [InlineData("cores", "gt", "16", false)]
    [InlineData("cores", "lt", "32", true)]
    [InlineData("region", "gt", "1", false)]
    [InlineData("zone", "lt", "1", false)]
    public void Matches_Operators_BehaveLikeLabelSelectors(string key, string op, string values, bool expected)
    {
        Assert.True(Constraint.TryParseOperator(op, out var parsed));
        var constraint = new Constraint { Key = key, Operator = parsed, Values = values.Length == 0 ? [] : values.Split(',') };

        Assert.Equal(expected, constraint.Matches(Labels));
    }

    [Fact]
    public void TryParseOperator_Unknown_Fails() => Assert.False(Constraint.TryParseOperator("like", out _));
}
