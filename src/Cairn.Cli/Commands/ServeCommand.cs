using System.CommandLine;
using System.Runtime.InteropServices;
using Cairn.Content.Storage;
using Cairn.Market;
using Cairn.Network;
using Cairn.Network.Admission;
using Cairn.Node;
using Microsoft.Extensions.Logging;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn serve</c>: runs the embedded node (orchestrator, compute, ledger, content store, API) until Ctrl-C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var api = new Option<string>("--api")
        {
            Description = "Where the REST API listens: HOST:PORT (port 0: any free port).",
            DefaultValueFactory = _ => NodeOptions.DefaultApiAddress,
        };
        var workers = new Option<int>("--workers") { Description = "Evaluation workers.", DefaultValueFactory = _ => 2 };
        var allowLocal = new Option<string[]>("--allow-local")
        {
            Description = "A host directory jobs' `local` input sources may read (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var label = new Option<string[]>("--label") { Description = "A node label KEY=VALUE matched by job constraints (repeatable)." };
        var price = new Option<long>("--price") { Description = "Price per million Wasm fuel units, published in the node's offer.", DefaultValueFactory = _ => 10 };
        var budget = new Option<long>("--default-budget") { Description = "Budget escrowed per execution for jobs that name none.", DefaultValueFactory = _ => 10_000 };
        var noMarket = new Option<bool>("--no-market") { Description = "Run jobs without deals on the ledger (free)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log the node's activity to stderr." };
        var join = new Option<string?>("--join") { Description = "Join the orchestrator at this URL as a compute-only node (content store, compute, gateway; no orchestrator, ledger or market)." };
        var noCompute = new Option<bool>("--no-compute") { Description = "Orchestrate only: the embedded compute node takes no work (remote nodes do)." };
        var admission = new Option<AdmissionPolicy>("--admission") { Description = "Which remote compute nodes are admitted: Open, AllowList or Manual (`cairn node approve`).", DefaultValueFactory = _ => AdmissionPolicy.Open };
        var allowNode = new Option<string[]>("--allow-node") { Description = "A compute node's did:key always admitted (repeatable)." };
        var lostTimeout = new Option<double>("--lost-timeout") { Description = "Seconds of silence after which a remote node (or, on a compute node, the orchestrator) counts as lost.", DefaultValueFactory = _ => 15 };
        var peer = new Option<string[]>("--peer")
        {
            Description = "A peer's gateway base URL (http://HOST:PORT) that ipfs inputs missing here are fetched from, verified (repeatable; asked in order).",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command(
            "serve",
            """
            Run a Cairn node on this machine: orchestrator, compute (wasm, noop), ledger, content store and the REST API in one process.

            On first start the home gets its keys (orchestrator, treasury, node, client), a ledger with a genesis that funds
            the client and the node, and the client's approval for the orchestrator. Stop with Ctrl-C or SIGTERM.
            """)
        {
            api, workers, allowLocal, label, price, budget, noMarket, verbose, join, noCompute, admission, allowNode, lostTimeout, peer,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new NodeOptions
            {
                Home = ContentRepo.ResolveHome(parse.GetValue(CliApp.HomeOption)),
                ApiAddress = parse.GetValue(api) ?? NodeOptions.DefaultApiAddress,
                Workers = parse.GetValue(workers),
                AllowedLocalPaths = (parse.GetValue(allowLocal) ?? []).Select(Path.GetFullPath).ToList(),
                Labels = ParseLabels(parse.GetValue(label) ?? []),
                Prices = new UsagePrices(parse.GetValue(price), 1, 1),
                DefaultBudget = parse.GetValue(budget),
                MarketEnabled = !parse.GetValue(noMarket),
                ConsoleLogLevel = parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning,
                Join = ParseJoin(parse.GetValue(join)),
                EmbeddedCompute = !parse.GetValue(noCompute),
                Admission = parse.GetValue(admission),
                AllowedNodes = parse.GetValue(allowNode) ?? [],
                Network = NetworkTimings(parse.GetValue(lostTimeout)),
                Peers = Content.Exchange.StaticPeerSource.Parse(parse.GetValue(peer) ?? []).Peers,
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            _ = WatchParentAsync(stop);
            if (options.Join is not null)
            {
                return await RunComputeOnlyAsync(options, stop.Token);
            }

            await using var node = await CairnNode.StartAsync(options, cancellationToken);
            Console.WriteLine("Cairn node running");
            Console.WriteLine($"  node     {node.NodeDid}");
            Console.WriteLine($"  api      {node.ApiUrl}");
            Console.WriteLine($"  home     {node.Home.Root}");
            Console.WriteLine($"  client   {node.ClientDid}");
            Console.WriteLine($"  market   {(options.MarketEnabled ? "on" : "off")}");
            if (options.Peers.Count > 0)
            {
                Console.WriteLine($"  peers    {string.Join(", ", options.Peers)}");
            }

            Console.WriteLine("Stop with Ctrl-C.");
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            Console.Error.WriteLine("Stopping...");
            await node.StopAsync(CancellationToken.None);
            Console.Error.WriteLine("Stopped.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<int> RunComputeOnlyAsync(NodeOptions options, CancellationToken stop)
    {
        await using var node = await CairnNode.StartComputeOnlyAsync(options, CancellationToken.None);
        Console.WriteLine("Cairn compute node running");
        Console.WriteLine($"  node     {node.NodeDid}");
        Console.WriteLine($"  api      {node.ApiUrl}");
        Console.WriteLine($"  home     {node.Home.Root}");
        Console.WriteLine($"  joins    {options.Join}");
        Console.WriteLine("Stop with Ctrl-C.");
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        Console.Error.WriteLine("Stopping...");
        await node.StopAsync();
        Console.Error.WriteLine("Stopped.");
        return ExitCodes.Ok;
    }

    /// <summary>The environment variable `cairn devstack` sets on its children: they stop when it is gone (no orphans after a kill -9).</summary>
    internal const string ParentPidVariable = "CAIRN_PARENT_PID";

    private static async Task WatchParentAsync(CancellationTokenSource stop)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(ParentPidVariable), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
                if (!IsAlive(pid))
                {
                    Console.Error.WriteLine($"The parent process {pid} is gone; stopping.");
                    await stop.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static Uri? ParseJoin(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        return Uri.TryCreate(withScheme.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new CairnException(ErrorCode.InvalidArgument, $"--join '{text}' is not an orchestrator URL.") { Hint = "For example: --join http://127.0.0.1:4780." };
    }

    private static ComputeHubOptions NetworkTimings(double lostSeconds)
    {
        if (!(lostSeconds is >= 1 and <= 3600))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"--lost-timeout must be 1-3600 seconds, not {lostSeconds}.");
        }

        var lost = TimeSpan.FromSeconds(lostSeconds);
        return new ComputeHubOptions { LostTimeout = lost, HeartbeatInterval = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(2).Ticks, lost.Ticks / 4)) };
    }

    private static Dictionary<string, string> ParseLabels(string[] labels)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var eq = label.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"--label '{label}' is not KEY=VALUE.") { Hint = "For example: --label region=eu." };
            }

            result[label[..eq]] = label[(eq + 1)..];
        }

        return result;
    }
}
