using System.CommandLine;
using System.Runtime.InteropServices;
using Cairn.Content.Storage;
using Cairn.Market;
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
            api, workers, allowLocal, label, price, budget, noMarket, verbose, peer,
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
                Peers = Content.Exchange.StaticPeerSource.Parse(parse.GetValue(peer) ?? []).Peers,
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
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
