using System.Text.Json.Nodes;
using Cairn.Cli.Output;

namespace Cairn.Cli.Tests.Output;

public class RenderingTests
{
    [Fact]
    public void Yaml_NestedValues_QuotesWhatYamlWouldMisreadAndIndentsSequences()
    {
        var value = new JsonObject
        {
            ["root"] = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354",
            ["blocks"] = 3,
            ["name"] = "notes: with colon",
            ["version"] = "1.0",
            ["empty"] = new JsonArray(),
            ["entries"] = new JsonArray(new JsonObject { ["name"] = "a", ["size"] = 1 }, new JsonObject { ["name"] = "true", ["size"] = 2 }),
        };
        var writer = new StringWriter();
        Assert.True(Rendering.TryWriteStructured(writer, OutputFormat.Yaml, value));
        Assert.Equal(
            """
            root: bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354
            blocks: 3
            name: "notes: with colon"
            version: "1.0"
            empty: []
            entries:
            - name: a
              size: 1
            - name: "true"
              size: 2

            """.ReplaceLineEndings("\n"),
            writer.ToString());
    }

    [Fact]
    public void Table_AlignsColumnsToTheWidestCell()
    {
        var writer = new StringWriter();
        Rendering.WriteTable(writer, ["cid", "size", "name"], [["bafy1", "10", "a"], ["b", "1000000", "long name"]]);
        Assert.Equal("CID    SIZE     NAME\nbafy1  10       a\nb      1000000  long name\n", writer.ToString().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(268435456, "256 MiB")]
    public void Size_FormatsBinaryUnits(long bytes, string expected) => Assert.Equal(expected, Rendering.Size(bytes));
}
