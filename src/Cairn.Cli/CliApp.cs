using System.CommandLine;
using Cairn.Cli.Commands;

namespace Cairn.Cli;

/// <summary>The <c>cairn</c> command: builds the command tree and maps failures to exit codes.</summary>
internal static class CliApp
{
    public static readonly Option<string?> HomeOption = new("--home")
    {
        Description = "Cairn's data directory (default: $CAIRN_HOME, else ~/.cairn).",
        Recursive = true,
    };

    public static readonly Option<bool> DebugOption = new("--debug")
    {
        Description = "Print stack traces with errors.",
        Recursive = true,
    };

    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            """
            Cairn: compute over content-addressed data.

            Content (add, cat, get, ls, pin, gc, car, cid): CIDs bit-for-bit those of `ipfs add --cid-version=1`.
            WebAssembly (wasm run|validate|inspect|spectest): a metered, sandboxed WASI engine.
            Market (account, ledger): did:key identities and a signed, hash-chained ledger you can verify.
            These work on the local home ($CAIRN_HOME or ~/.cairn, or --home DIR) directly.
            Node (serve, job, node, wasm submit, docker run): run a node, submit jobs to it and follow them over its
            REST API ($CAIRN_API or --api, default http://127.0.0.1:4780).

            Try: cairn demo
            """);
        root.Options.Add(HomeOption);
        root.Options.Add(DebugOption);
        foreach (var command in ContentCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(PinCommand.Create());
        root.Subcommands.Add(GcCommand.Create());
        root.Subcommands.Add(CarCommand.Create());
        root.Subcommands.Add(FetchCommand.Create());
        root.Subcommands.Add(CidCommand.Create());
        root.Subcommands.Add(WasmCommand.Create());
        root.Subcommands.Add(DockerCommand.Create());
        root.Subcommands.Add(AccountCommand.Create());
        root.Subcommands.Add(LedgerCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(JobCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        root.Subcommands.Add(DevstackCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = CreateRootCommand();
        var parse = root.Parse(args);
        var debug = parse.GetValue(DebugOption);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine("Error: " + error.Message);
            }

            var names = new List<string>();
            for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            {
                names.Insert(0, result.Command == root ? "cairn" : result.Command.Name);
            }

            Console.Error.WriteLine($"Hint: see `{string.Join(' ', names)} --help`.");
            return ExitCodes.Usage;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cts.Token);
        }
        catch (CairnException e)
        {
            return Fail(e.Message, e.Hint, ExitCodes.For(e.Code), debug ? e : null);
        }
        catch (OperationCanceledException e)
        {
            return Fail("Cancelled.", null, ExitCodes.Error, debug ? e : null);
        }
        catch (IOException e)
        {
            return Fail(e.Message, null, ExitCodes.Error, debug ? e : null);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(e.Message, "Check the permissions of the path, or choose another with --home.", ExitCodes.Error, debug ? e : null);
        }
    }

    private static int Fail(string message, string? hint, int code, Exception? debug)
    {
        var err = Console.Error;
        err.WriteLine("Error: " + message);
        // A spec error already carries its hint inline ("... (hint: ...)"): say it once.
        if (hint is not null && !message.Contains(hint, StringComparison.Ordinal))
        {
            err.WriteLine("Hint: " + hint);
        }

        if (debug is not null)
        {
            err.WriteLine(debug.ToString());
        }

        return code;
    }
}
