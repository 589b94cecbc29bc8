using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Cairn.Client;
using Cairn.Node;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn demo</c>: the whole loop on a throw-away home. Starts an embedded node in this process
/// (API on a free port), adds a bundled folder of text files, submits the Wasm word count over it
/// through the API, waits with progress, prints the result, the trail (job → deal → execution →
/// receipt → outputs → settlement) and the balances of client, provider and treasury before and
/// after, verifies the ledger and stops the node. Each step is a command a user would type.
/// </summary>
internal static class DemoCommand
{
    // A price that makes the word count's fuel cost a visible amount (about 1,000 units).
    private const long DemoPrice = 5000;

    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the demo's temporary folder (printed at the end) to explore it afterwards." };
        var command = new Command(
            "demo",
            """
            Show Cairn's whole loop on a throw-away home (nothing in ~/.cairn is touched).

            Starts a node, adds a folder of text files (a CID for each file and folder), submits a WebAssembly
            word count over it as a job, waits for it, prints its result and its trail on the ledger (deal,
            receipt, outputs, settlement) with the balances before and after, verifies the ledger and stops.
            """)
        {
            keep,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(keep), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool keep, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), "cairn-demo-" + Guid.NewGuid().ToString("N")[..8]);
        var home = Path.Combine(work, "home");
        var dataset = Path.Combine(work, "dataset");
        var watch = Stopwatch.StartNew();
        CairnNode? node = null;
        try
        {
            Heading("Cairn demo: a job over content-addressed data, matched, escrowed, run, receipted and settled");
            node = await CairnNode.StartAsync(new NodeOptions { Home = home, ApiAddress = "127.0.0.1:0", Workers = 2, Prices = new(PerMegaFuel: DemoPrice, PerCpuSecond: 1, PerGbSecond: 1) }, cancellationToken);
            Say($"$ cairn serve --home {home} --api 127.0.0.1:0      (started in this process)");
            Say($"  node      {node.NodeDid}   (the provider: runs wasm and noop jobs)");
            Say($"  api       {node.ApiUrl}");
            Say($"  client    {node.ClientDid}   (pays for jobs)");
            Say($"  treasury  {node.TreasuryDid}   (receives the protocol fee)");
            var api = node.ApiUrl.ToString().TrimEnd('/');
            using var client = new CairnClient(node.ApiUrl);

            Heading("1. Add a dataset: every file and folder gets a CID (the one `ipfs add -r --cid-version=1` gives)");
            WriteDataset(dataset);
            var added = await RunStepAsync(cancellationToken, "add", "-r", "--home", home, dataset);
            var root = LastAddedCid(added);

            Heading("2. Balances before");
            var before = await BalancesAsync(client, node, cancellationToken);
            PrintBalances(before, null);

            Heading("3. Submit a WebAssembly word count over it and wait (the module travels inside the spec)");
            var module = Path.Combine(work, "wordcount.wasm");
            WriteResource("wordcount.wasm", module);
            var submitted = await RunStepAsync(
                cancellationToken,
                "wasm", "submit", "--api", api, module, "--input", root + ":/data", "--budget", "10000", "--wait", "--",
                "-o", "/outputs/counts.txt", "/data");
            var jobId = JobIdFrom(submitted);

            Heading("4. The trail: job → execution → deal → receipt → outputs → settlement");
            await RunStepAsync(cancellationToken, "job", "describe", "--api", api, jobId);

            Heading("5. Get the results: each output comes as a CAR, every block verified against its CID");
            var results = Path.Combine(work, "results");
            await RunStepAsync(cancellationToken, "job", "get", "--api", api, "--home", home, jobId, "-o", results);
            var counts = Path.Combine(results, "outputs", "counts.txt");
            Say($"$ cat {Path.GetRelativePath(work, counts)}");
            foreach (var line in (await File.ReadAllTextAsync(counts, cancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Say("  " + line);
            }

            Heading("6. Balances after: the client paid for the fuel used at the offer's price, the rest of the escrow came back");
            var after = await BalancesAsync(client, node, cancellationToken);
            PrintBalances(after, before);
            var conserved = before.Values.Sum() == after.Values.Sum();
            Say(conserved ? "✓ nothing created or lost: the three balances add up to the same total" : "✗ the balances do not add up");

            Heading("7. Verify the ledger: replay every block from genesis, checking signatures, rules and state roots");
            await node.StopAsync(cancellationToken);
            node = null;
            await RunStepAsync(cancellationToken, "ledger", "verify", "--home", home);

            Heading($"Done in {watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s.");
            Say("Run your own node: ./cairn serve   then: ./cairn wasm submit MODULE.wasm --input CID:/data --wait -- ARGS");
            return conserved ? ExitCodes.Ok : ExitCodes.Error;
        }
        finally
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }

            if (keep)
            {
                Say($"Kept: {work}");
            }
            else
            {
                TryDelete(work);
            }
        }
    }

    private static async Task<Dictionary<string, long>> BalancesAsync(CairnClient client, CairnNode node, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (role, did) in new[] { ("client", node.ClientDid), ("provider", node.NodeDid), ("treasury", node.TreasuryDid) })
        {
            result[role] = (await client.GetBalanceAsync(did, cancellationToken)).Balance;
        }

        return result;
    }

    private static void PrintBalances(Dictionary<string, long> now, Dictionary<string, long>? before)
    {
        foreach (var (role, balance) in now)
        {
            var delta = before is null ? string.Empty : $"   ({balance - before[role]:+#,0;-#,0;0})";
            Say($"  {role,-9} {balance,15:N0}{delta}");
        }
    }

    private static void WriteDataset(string dataset)
    {
        var assembly = typeof(DemoCommand).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("dataset/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            WriteResource(name, Path.Combine(dataset, name["dataset/".Length..]));
        }
    }

    private static void WriteResource(string name, string path)
    {
        using var resource = typeof(DemoCommand).Assembly.GetManifestResourceStream(name)
            ?? throw new CairnException(ErrorCode.Internal, $"The demo's {name} is missing from this build.");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        resource.CopyTo(file);
    }

    private static async Task<string> RunStepAsync(CancellationToken cancellationToken, params string[] args)
    {
        var shown = args.Where((_, i) => !(args[i] is "--home" or "--api" || (i > 0 && args[i - 1] is "--home" or "--api")));
        Console.WriteLine($"$ cairn {string.Join(' ', shown.Select(Quote))}");
        var original = Console.Out;
        var capture = new StringWriter();
        Console.SetOut(capture);
        int exit;
        try
        {
            exit = await CliApp.CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        finally
        {
            Console.SetOut(original);
        }

        var output = capture.ToString();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(40))
        {
            Console.WriteLine("  " + line.TrimEnd('\r'));
        }

        if (exit != 0)
        {
            throw new CairnException(ErrorCode.Internal, $"The demo step `cairn {string.Join(' ', shown)}` failed with exit code {exit}.");
        }

        return output;
    }

    private static string LastAddedCid(string addOutput)
    {
        var last = addOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split(' ');
        if (last is not { Length: >= 2 } || last[0] != "added")
        {
            throw new CairnException(ErrorCode.Internal, "The demo could not read the root CID from `cairn add`.");
        }

        return last[1];
    }

    private static string JobIdFrom(string submitOutput)
    {
        foreach (var line in submitOutput.Split('\n'))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words is ["Job", var id, ..] && id.StartsWith("j-", StringComparison.Ordinal))
            {
                return id;
            }
        }

        throw new CairnException(ErrorCode.Internal, "The demo could not read the job id from `cairn wasm submit`.");
    }

    private static string Quote(string s) => s.Contains(' ') ? $"\"{s}\"" : s;

    private static void Heading(string text)
    {
        Console.WriteLine();
        Console.WriteLine(text);
    }

    private static void Say(string text) => Console.WriteLine("  " + text);

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
