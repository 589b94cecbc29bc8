using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Cli.Output;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn docker run IMAGE [--input CID:/path]... [-- ARGS]</c>: Bacalhau's <c>docker run</c> shortcut,
/// which writes a Bacalhau-shaped docker job spec and submits it to a node (docs/docker.md).
/// </summary>
internal static class DockerCommand
{
    private static readonly string[] NetworkTypes = ["none", "host", "full"];

    public static Command Create()
    {
        var command = new Command("docker", "Run containers on a node's docker engine (Docker or Podman).");
        command.Subcommands.Add(CreateRun());
        return command;
    }

    private static Command CreateRun()
    {
        var image = new Argument<string>("image") { Description = "The image, present in the node's container runtime (busybox:1.37.0)." };
        var args = new Argument<string[]>("args") { Description = "The command and its arguments (after --); the image's CMD when absent.", Arity = ArgumentArity.ZeroOrMore };
        var entrypoint = new Option<string[]>("--entrypoint") { Description = "Overrides the image's entrypoint (repeat for each word: --entrypoint /bin/sh --entrypoint -c)." };
        var inputs = new Option<string[]>("--input", "-i") { Description = "An input CID[/path] mounted read-only at a path: CID:/inputs (repeatable)." };
        var results = new Option<string[]>("--result") { Description = "A result path NAME:/path the container writes into, published by CID (repeatable; default outputs:/outputs)." };
        var env = new Option<string[]>("--env", "-e") { Description = "An environment variable K=V (repeatable)." };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "The working directory inside the container (absolute)." };
        var cpu = new Option<string?>("--cpu") { Description = "CPU limit, as in specs: 500m, 1, 2.5." };
        var memory = new Option<string?>("--memory") { Description = "Memory limit, as in specs: 64Mb, 1Gb." };
        var network = new Option<string>("--network") { Description = "Network access: none, host or full.", DefaultValueFactory = _ => "none" };
        var count = new Option<int>("--count", "-c") { Description = "How many executions to run.", DefaultValueFactory = _ => 1 };
        var budget = new Option<long?>("--budget") { Description = "The most the job may cost, escrowed in the deal (default: the node's default budget)." };
        var timeout = new Option<double?>("--timeout") { Description = "Execution timeout in seconds." };
        var name = new Option<string?>("--name") { Description = "The job's name." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the job to end, showing progress; the exit code tells how it ended." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Wait and stream the container's output as it runs." };
        var printSpec = new Option<bool>("--print-spec") { Description = "Print the job spec instead of submitting it." };
        var api = NodeApi.CreateOption();
        var output = Rendering.CreateOption();
        var command = new Command("run", "Submit a container job to a node (a shortcut that writes the job spec for you).")
        {
            image, args, entrypoint, inputs, results, env, workdir, cpu, memory, network, count, budget, timeout, name, wait, follow, printSpec, api, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var spec = BuildSpec(new RunArguments
            {
                Image = parse.GetValue(image)!,
                Args = parse.GetValue(args) ?? [],
                Entrypoint = parse.GetValue(entrypoint) ?? [],
                Inputs = parse.GetValue(inputs) ?? [],
                Results = parse.GetValue(results) ?? [],
                Env = parse.GetValue(env) ?? [],
                WorkingDirectory = parse.GetValue(workdir),
                Cpu = parse.GetValue(cpu),
                Memory = parse.GetValue(memory),
                Network = parse.GetValue(network) ?? "none",
                Count = parse.GetValue(count),
                Budget = parse.GetValue(budget),
                Timeout = parse.GetValue(timeout),
                Name = parse.GetValue(name),
            });
            return await SpecShortcuts.PrintOrSubmitAsync(parse, spec, parse.GetValue(printSpec), api, parse.GetValue(wait), parse.GetValue(follow), parse.GetValue(output), ct);
        });
        return command;
    }

    /// <summary>Builds the job spec (Bacalhau's field names) for an image, its inputs, results and command.</summary>
    internal static JsonObject BuildSpec(RunArguments run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (string.IsNullOrWhiteSpace(run.Image))
        {
            throw new CairnException(ErrorCode.InvalidArgument, "The image must not be empty.") { Hint = "For example: cairn docker run busybox:1.37.0 -- echo hello." };
        }

        if (run.Count < 1)
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"--count must be at least 1, not {run.Count}.");
        }

        if (!NetworkTypes.Contains(run.Network.ToLowerInvariant()))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"--network '{run.Network}' is not one of {string.Join(", ", NetworkTypes)}.");
        }

        var inputSources = SpecShortcuts.InputSources(run.Inputs);
        var resultPaths = SpecShortcuts.ResultPaths(run.Results);
        foreach (var pair in run.Env)
        {
            if (pair.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"--env '{pair}' is not K=V.");
            }
        }

        var engineParams = new JsonObject { ["Image"] = run.Image };
        if (run.Entrypoint.Count > 0)
        {
            engineParams["Entrypoint"] = Strings(run.Entrypoint);
        }

        if (run.Args.Count > 0)
        {
            engineParams["Parameters"] = Strings(run.Args);
        }

        if (run.Env.Count > 0)
        {
            engineParams["EnvironmentVariables"] = Strings(run.Env);
        }

        if (run.WorkingDirectory is { } workdir)
        {
            engineParams["WorkingDirectory"] = workdir;
        }

        var task = new JsonObject
        {
            ["Name"] = "main",
            ["Engine"] = new JsonObject { ["Type"] = "docker", ["Params"] = engineParams },
            ["InputSources"] = inputSources,
            ["ResultPaths"] = resultPaths,
            ["Network"] = new JsonObject { ["Type"] = run.Network.ToLowerInvariant() },
        };
        var resources = new JsonObject();
        if (run.Cpu is { } cpu)
        {
            resources["CPU"] = cpu;
        }

        if (run.Memory is { } memory)
        {
            resources["Memory"] = memory;
        }

        if (resources.Count > 0)
        {
            task["Resources"] = resources;
        }

        if (run.Timeout is > 0)
        {
            task["Timeouts"] = new JsonObject { ["ExecutionTimeout"] = (long)Math.Ceiling(run.Timeout.Value) };
        }

        var job = new JsonObject
        {
            ["Name"] = run.Name ?? ImageName(run.Image),
            ["Type"] = "batch",
            ["Count"] = run.Count,
            ["Tasks"] = new JsonArray(task),
        };
        if (run.Budget is { } b)
        {
            job["Payment"] = new JsonObject { ["Budget"] = b };
        }

        return job;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    // busybox:1.37.0 → busybox; registry.example/team/tool@sha256:... → tool.
    private static string ImageName(string image)
    {
        var last = image[(image.LastIndexOf('/') + 1)..];
        var end = last.IndexOfAny([':', '@']);
        return end > 0 ? last[..end] : last;
    }

    /// <summary>What <c>docker run</c> was given.</summary>
    internal sealed record RunArguments
    {
        public required string Image { get; init; }

        public IReadOnlyList<string> Args { get; init; } = [];

        public IReadOnlyList<string> Entrypoint { get; init; } = [];

        public IReadOnlyList<string> Inputs { get; init; } = [];

        public IReadOnlyList<string> Results { get; init; } = [];

        public IReadOnlyList<string> Env { get; init; } = [];

        public string? WorkingDirectory { get; init; }

        public string? Cpu { get; init; }

        public string? Memory { get; init; }

        public string Network { get; init; } = "none";

        public int Count { get; init; } = 1;

        public long? Budget { get; init; }

        public double? Timeout { get; init; }

        public string? Name { get; init; }
    }
}
