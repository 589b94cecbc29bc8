using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Cli.Output;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn wasm submit MODULE.wasm|CID [--input CID:/path]... -- ARGS</c>: a shortcut that builds a
/// Bacalhau-shaped wasm job spec and submits it. A module file travels inside the spec as a base64
/// <c>data:</c> URL (the node stores it by CID like any input); a CID names a module already on the node.
/// </summary>
internal static class WasmSubmitCommand
{
    /// <summary>Modules larger than this must be added to the node's store and named by CID.</summary>
    public const long MaxInlineModuleBytes = 8L << 20;

    public static Command Create()
    {
        var module = new Argument<string>("module") { Description = "The WASI command module: a .wasm file, or the CID of one on the node." };
        var args = new Argument<string[]>("args") { Description = "Arguments for the module (after --).", Arity = ArgumentArity.ZeroOrMore };
        var inputs = new Option<string[]>("--input", "-i") { Description = "An input CID[/path] mounted read-only at a path: CID:/inputs (repeatable)." };
        var results = new Option<string[]>("--result") { Description = "A result path NAME:/path the module writes into, published by CID (repeatable; default outputs:/outputs)." };
        var env = new Option<string[]>("--env", "-e") { Description = "An environment variable K=V (repeatable)." };
        var budget = new Option<long?>("--budget") { Description = "The most the job may cost, escrowed in the deal (default: the node's default budget)." };
        var timeout = new Option<double?>("--timeout") { Description = "Execution timeout in seconds." };
        var name = new Option<string?>("--name") { Description = "The job's name." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the job to end, showing progress; the exit code tells how it ended." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Wait and stream the module's output as it runs." };
        var printSpec = new Option<bool>("--print-spec") { Description = "Print the job spec instead of submitting it." };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var command = new Command("submit", "Submit a WebAssembly job to a node (a shortcut that writes the job spec for you).")
        {
            module, args, inputs, results, env, budget, timeout, name, wait, follow, printSpec, api, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var spec = await BuildSpecAsync(
                parse.GetValue(module)!,
                parse.GetValue(args) ?? [],
                parse.GetValue(inputs) ?? [],
                parse.GetValue(results) ?? [],
                parse.GetValue(env) ?? [],
                parse.GetValue(budget),
                parse.GetValue(timeout),
                parse.GetValue(name),
                ct);
            return await SpecShortcuts.PrintOrSubmitAsync(parse, spec, parse.GetValue(printSpec), api, parse.GetValue(wait), parse.GetValue(follow), parse.GetValue(output), ct);
        });
        return command;
    }

    /// <summary>Builds the job spec (Bacalhau's field names) for a module, its inputs, results and arguments.</summary>
    internal static async Task<JsonObject> BuildSpecAsync(
        string module,
        IReadOnlyList<string> args,
        IReadOnlyList<string> inputs,
        IReadOnlyList<string> results,
        IReadOnlyList<string> env,
        long? budget,
        double? timeout,
        string? name,
        CancellationToken cancellationToken)
    {
        JsonObject entry;
        string moduleName;
        if (File.Exists(module))
        {
            var info = new FileInfo(module);
            if (info.Length > MaxInlineModuleBytes)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"{module} is {info.Length:N0} bytes: modules over {MaxInlineModuleBytes >> 20} MiB do not travel inside a spec.")
                {
                    Hint = "Add it to the node's home with `cairn add` and submit its CID instead.",
                };
            }

            var bytes = await File.ReadAllBytesAsync(module, cancellationToken);
            entry = Source("inline", "URL", "data:application/wasm;base64," + Convert.ToBase64String(bytes));
            moduleName = Path.GetFileNameWithoutExtension(module);
        }
        else if (Cid.TryParse(module.Split('/')[0], out _))
        {
            entry = Source("ipfs", "CID", module);
            moduleName = "module";
        }
        else
        {
            throw new CairnException(ErrorCode.NotFound, $"'{module}' is neither a file nor a CID.") { Hint = "Give the path of a .wasm file, or the CID of a module on the node." };
        }

        var inputSources = SpecShortcuts.InputSources(inputs);
        var resultPaths = SpecShortcuts.ResultPaths(results);

        var environment = new JsonObject();
        foreach (var pair in env)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"--env '{pair}' is not K=V.");
            }

            environment[pair[..eq]] = pair[(eq + 1)..];
        }

        var task = new JsonObject
        {
            ["Name"] = "main",
            ["Engine"] = new JsonObject
            {
                ["Type"] = "wasm",
                ["Params"] = new JsonObject
                {
                    ["EntryModule"] = entry,
                    ["Parameters"] = new JsonArray(args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
                    ["EnvironmentVariables"] = environment,
                },
            },
            ["InputSources"] = inputSources,
            ["ResultPaths"] = resultPaths,
        };
        if (timeout is > 0)
        {
            task["Timeouts"] = new JsonObject { ["ExecutionTimeout"] = (long)Math.Ceiling(timeout.Value) };
        }

        var job = new JsonObject
        {
            ["Name"] = name ?? moduleName,
            ["Type"] = "batch",
            ["Count"] = 1,
            ["Tasks"] = new JsonArray(task),
        };
        if (budget is { } b)
        {
            job["Payment"] = new JsonObject { ["Budget"] = b };
        }

        return job;
    }

    private static JsonObject Source(string type, string key, string value) =>
        new() { ["Source"] = new JsonObject { ["Type"] = type, ["Params"] = new JsonObject { [key] = value } } };
}
