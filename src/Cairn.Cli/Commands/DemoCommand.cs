using System.CommandLine;
using System.Diagnostics;
using System.Text;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn demo</c>: walks through the main loop on a throw-away home, running the very commands
/// a user would type and showing their output. Until the job loop lands it shows the content store:
/// add a folder, its CID, ls, cat, a CAR export re-imported into a second home, get, pins and gc.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the demo's temporary folder (printed at the end) to explore it afterwards." };
        var command = new Command(
            "demo",
            """
            Show Cairn's main loop on a throw-away home (nothing in ~/.cairn is touched).

            Runs, and prints, the commands a user would type: add a sample folder, list it, read a
            file by path, export a CAR, import it into a second home, get the folder back and check
            it is identical, run a WebAssembly program stored by CID over it, then pins and
            garbage collection.
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
        var homeA = Path.Combine(work, "home-a");
        var homeB = Path.Combine(work, "home-b");
        var sample = Path.Combine(work, "sample");
        var watch = Stopwatch.StartNew();
        try
        {
            Heading("Cairn demo: content-addressed data, bit-compatible with IPFS");
            Say($"A throw-away home: {homeA}");
            WriteSample(sample);
            Say("A sample folder: a README, a CSV, a 1 MiB binary (4 chunks), a name with spaces, an empty folder.");

            Heading("1. Add the folder: every file and folder gets a CID (the same one `ipfs add -r --cid-version=1` gives)");
            var added = await RunStepAsync(cancellationToken, "add", "-r", "--home", homeA, sample);
            var root = LastAddedCid(added);

            Heading("2. List it by CID");
            await RunStepAsync(cancellationToken, "ls", "--home", homeA, root);

            Heading("3. Read a file by path under the root CID");
            await RunStepAsync(cancellationToken, "cat", "--home", homeA, root + "/README.md");

            Heading("4. Inspect the CID itself");
            await RunStepAsync(cancellationToken, "cid", "format", root);

            Heading("5. Export the whole DAG as a CAR file (any IPFS implementation can import it)");
            var car = Path.Combine(work, "sample.car");
            await RunStepAsync(cancellationToken, "car", "export", "--home", homeA, root, "-o", car);
            Say($"{car}: {new FileInfo(car).Length:N0} bytes");

            Heading("6. Import the CAR into a second, empty home: every block is verified against its CID");
            await RunStepAsync(cancellationToken, "car", "import", "--home", homeB, car);

            Heading("7. Get the folder back from the second home and compare with the original");
            var restored = Path.Combine(work, "restored");
            await RunStepAsync(cancellationToken, "get", "--home", homeB, root, "-o", restored);
            var identical = SameTree(sample, restored);
            Say(identical ? "✓ the restored folder is byte-for-byte identical to the original" : "✗ the restored folder differs from the original");

            Heading("8. Compute over the data: store a WebAssembly program by CID and run it on the folder");
            var module = Path.Combine(work, "wordcount.wasm");
            WriteDemoModule(module);
            var moduleCid = (await RunStepAsync(cancellationToken, "add", "-Q", "--pin=false", "--home", homeB, module)).Trim();
            await RunStepAsync(
                cancellationToken,
                "wasm", "run", "--home", homeB, "--dir", restored + ":/data", "--fuel", "100000000", "--output", "json", moduleCid, "--",
                "/data/README.md", "/data/data/numbers.csv", "/data/notes with spaces.txt");
            Say("The program ran sandboxed (it sees only /data), metered in fuel: the unit the market bills.");

            Heading("9. Pins keep content; gc removes what nothing pins");
            await RunStepAsync(cancellationToken, "pin", "ls", "--home", homeB);
            await RunStepAsync(cancellationToken, "pin", "rm", "--home", homeB, root);
            await RunStepAsync(cancellationToken, "gc", "--home", homeB);

            Heading($"Done in {watch.Elapsed.TotalSeconds:F1} s.");
            Say($"Your own data: ./cairn add -r PATH   (home: $CAIRN_HOME or ~/.cairn)   Help: ./cairn --help");
            return identical ? ExitCodes.Ok : ExitCodes.Error;
        }
        finally
        {
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

    private static void WriteDemoModule(string path)
    {
        using var resource = typeof(DemoCommand).Assembly.GetManifestResourceStream("wordcount.wasm")
            ?? throw new CairnException(ErrorCode.Internal, "The demo's wordcount.wasm is missing from this build.");
        using var file = File.Create(path);
        resource.CopyTo(file);
    }

    private static void WriteSample(string sample)
    {
        Directory.CreateDirectory(Path.Combine(sample, "data"));
        Directory.CreateDirectory(Path.Combine(sample, "empty"));
        File.WriteAllText(
            Path.Combine(sample, "README.md"),
            "# Sample dataset\n\nCairn runs jobs where this data lives, and names it by content:\nchange one byte and the CID changes.\n");
        var csv = new StringBuilder("n,square,cube\n");
        for (var n = 1; n <= 1000; n++)
        {
            csv.Append(n).Append(',').Append(n * n).Append(',').Append((long)n * n * n).Append('\n');
        }

        File.WriteAllText(Path.Combine(sample, "data", "numbers.csv"), csv.ToString());
        var bytes = new byte[1 << 20];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(sample, "data", "random.bin"), bytes);
        File.WriteAllText(Path.Combine(sample, "notes with spaces.txt"), "Names may have spaces and ünïcödé.\n");
    }

    private static async Task<string> RunStepAsync(CancellationToken cancellationToken, params string[] args)
    {
        var shown = args.Where((_, i) => !(args[i] == "--home" || (i > 0 && args[i - 1] == "--home")));
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
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(20))
        {
            Console.WriteLine("  " + line.TrimEnd('\r'));
        }

        if (exit != 0)
        {
            throw new CairnException(ErrorCode.Internal, $"The demo step `cairn {string.Join(' ', args)}` failed with exit code {exit}.");
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

    private static bool SameTree(string a, string b)
    {
        var filesA = Directory.GetFileSystemEntries(a, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(a, p)).Order(StringComparer.Ordinal).ToList();
        var filesB = Directory.GetFileSystemEntries(b, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(b, p)).Order(StringComparer.Ordinal).ToList();
        if (!filesA.SequenceEqual(filesB))
        {
            return false;
        }

        foreach (var rel in filesA)
        {
            var pa = Path.Combine(a, rel);
            if (File.Exists(pa) && !File.ReadAllBytes(pa).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, rel))))
            {
                return false;
            }
        }

        return true;
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
