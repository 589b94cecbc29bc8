using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Cli.Output;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary>
/// What the spec-writing shortcuts (<c>cairn wasm submit</c>, <c>cairn docker run</c>) share: their
/// <c>--input CID:/path</c> and <c>--result NAME:/path</c> forms, and printing or submitting the spec.
/// </summary>
internal static class SpecShortcuts
{
    /// <summary>Bacalhau's <c>InputSources</c> for <c>--input CID[/sub/path]:/target</c> values, each checked for a CID.</summary>
    public static JsonArray InputSources(IEnumerable<string> inputs)
    {
        var sources = new JsonArray();
        foreach (var input in inputs)
        {
            var (cid, target) = SplitMount(input, "--input", "CID:/inputs");
            if (!Cid.TryParse(cid.Split('/')[0], out _))
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"--input '{input}': '{cid}' is not a CID.") { Hint = "Add the data first with `cairn add -r PATH` and give its CID." };
            }

            sources.Add(new JsonObject
            {
                ["Target"] = target,
                ["Source"] = new JsonObject { ["Type"] = "ipfs", ["Params"] = new JsonObject { ["CID"] = cid } },
            });
        }

        return sources;
    }

    /// <summary>Bacalhau's <c>ResultPaths</c> for <c>--result NAME:/path</c> values (default <c>outputs:/outputs</c>).</summary>
    public static JsonArray ResultPaths(IReadOnlyList<string> results)
    {
        var paths = new JsonArray();
        foreach (var result in results.Count == 0 ? ["outputs:/outputs"] : results)
        {
            var (name, path) = SplitMount(result, "--result", "outputs:/outputs");
            paths.Add(new JsonObject { ["Name"] = name, ["Path"] = path });
        }

        return paths;
    }

    /// <summary>Prints the spec (<c>--print-spec</c>) or submits it and, as asked, waits or follows.</summary>
    public static async Task<int> PrintOrSubmitAsync(
        ParseResult parse, JsonObject spec, bool printOnly, Option<string?> api, bool wait, bool follow, OutputFormat output, CancellationToken cancellationToken)
    {
        var text = spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (printOnly)
        {
            Console.WriteLine(text);
            return ExitCodes.Ok;
        }

        using var client = NodeApi.Connect(parse, api);
        return await JobCommand.SubmitAndWaitAsync(client, text, wait, follow, null, output, cancellationToken);
    }

    // "LEFT:/path" split at the last ":/" (a CID or a name never holds one).
    private static (string Left, string Path) SplitMount(string text, string option, string example)
    {
        var colon = text.LastIndexOf(":/", StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"{option} '{text}' is not of the form {example}.") { Hint = $"For example: {option} {example}." };
        }

        return (text[..colon], text[(colon + 1)..]);
    }
}
