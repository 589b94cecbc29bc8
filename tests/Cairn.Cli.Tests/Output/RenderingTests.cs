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
}
