using System.CommandLine;
using System.Diagnostics;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Storage;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn add</c>: import files and directories as UnixFS, with the CIDs <c>ipfs add</c> gives.</summary>
internal static class AddCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "Files or directories to add ('-' or nothing: standard input).", Arity = ArgumentArity.ZeroOrMore };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Add directories recursively." };
        var quieter = new Option<bool>("--quieter", "-Q") { Description = "Print only the root CID of each argument." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only CIDs (one per added entry)." };
        var cidVersion = new Option<int>("--cid-version") { Description = "CID version: 1 (default, = ipfs add --cid-version=1) or 0 (= kubo's default ipfs add).", DefaultValueFactory = _ => 1 };
        var rawLeaves = new Option<bool?>("--raw-leaves") { Description = "Store leaves as raw blocks (default: true for CIDv1, false for CIDv0)." };
        var onlyHash = new Option<bool>("--only-hash", "-n") { Description = "Compute CIDs without storing anything." };
        var chunker = new Option<string>("--chunker", "-s") { Description = "Chunking: size-N (fixed N-byte chunks).", DefaultValueFactory = _ => "size-262144" };
        var pin = new Option<bool>("--pin") { Description = "Pin the added roots recursively (default true).", DefaultValueFactory = _ => true };
        var hidden = new Option<bool>("--hidden", "-H") { Description = "Include hidden files (names starting with '.') in recursive adds." };
        var progress = new Option<bool?>("--progress") { Description = "Show a progress bar on stderr (default: when stderr is a terminal)." };
        var command = new Command("add", "Add files or directories to the local store and print their CIDs (bit-identical to `ipfs add`).")
        {
            paths, recursive, quieter, quiet, cidVersion, rawLeaves, onlyHash, chunker, pin, hidden, progress,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new ImportOptions
            {
                CidVersion = parse.GetValue(cidVersion),
                RawLeaves = parse.GetValue(rawLeaves),
                ChunkSize = ParseChunker(parse.GetValue(chunker)!),
                IncludeHidden = parse.GetValue(hidden),
            };
            var targets = parse.GetValue(paths) is { Length: > 0 } given ? given : ["-"];
            var hashOnly = parse.GetValue(onlyHash);
            using var repo = hashOnly ? null : ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            IBlockStore store = repo?.Blocks ?? DiscardingBlockStore.Instance;
            var importer = new UnixFsImporter(store, options);
            var printAll = !parse.GetValue(quieter);
            var cidsOnly = parse.GetValue(quiet);
            var isRecursive = parse.GetValue(recursive);
            var stdout = Console.Out;
            Action<ImportedEntry> print = e => stdout.WriteLine(cidsOnly ? e.Cid.ToString() : $"added {e.Cid} {e.Path}");
            foreach (var target in targets)
            {
                using var bar = ProgressBar.Create(parse.GetValue(progress), target, isRecursive);
                ImportedEntry root;
                if (target == "-")
                {
                    await using var stdin = Console.OpenStandardInput(1 << 20);
                    root = await importer.ImportFileAsync(stdin, null, bar, ct);
                    if (printAll)
                    {
                        print(root);
                    }
                }
                else
                {
                    root = await importer.ImportPathAsync(target, isRecursive, printAll ? print : null, bar, ct);
                }

                bar?.Finish();
                if (!printAll)
                {
                    stdout.WriteLine(root.Cid.ToString());
                }

                if (repo is not null && parse.GetValue(pin))
                {
                    await repo.Pins.AddAsync(root.Cid, PinMode.Recursive, target == "-" ? null : root.Path, ct);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static int ParseChunker(string spec)
    {
        if (spec.StartsWith("size-", StringComparison.Ordinal) && int.TryParse(spec.AsSpan(5), out var size) && size > 0)
        {
            return size;
        }

        throw new CairnException(ErrorCode.InvalidArgument, $"Unsupported chunker '{spec}'.") { Hint = "Use size-N, e.g. --chunker size-262144 (rabin and buzhash are not supported)." };
    }

    /// <summary>A one-line progress bar on stderr, redrawn at most ten times a second.</summary>
    private sealed class ProgressBar : IProgress<long>, IDisposable
    {
        private readonly long _total;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastDraw = -1000;
        private long _done;

        private ProgressBar(long total) => _total = total;

        public static ProgressBar? Create(bool? wanted, string target, bool recursive)
        {
            if (target == "-" || !(wanted ?? !Console.IsErrorRedirected))
            {
                return null;
            }

            long total = 0;
            if (File.Exists(target))
            {
                total = new FileInfo(target).Length;
            }
            else if (recursive && Directory.Exists(target))
            {
                total = new DirectoryInfo(target).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            }

            // Small inputs finish before a bar is worth drawing.
            return wanted == true || total >= 16 << 20 ? new ProgressBar(total) : null;
        }

        public void Report(long value)
        {
            _done = value;
            var now = _clock.ElapsedMilliseconds;
            if (now - _lastDraw >= 100)
            {
                _lastDraw = now;
                Draw();
            }
        }

        public void Finish()
        {
            Draw();
            Console.Error.WriteLine();
        }

        public void Dispose() => _clock.Stop();

        private void Draw()
        {
            var fraction = _total > 0 ? Math.Min(1.0, (double)_done / _total) : 1.0;
            const int Width = 30;
            var filled = (int)(fraction * Width);
            var rate = _done / 1048576.0 / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {_done / 1048576.0,8:F1} / {_total / 1048576.0:F1} MiB {fraction * 100,5:F1}% {rate,7:F1} MiB/s");
        }
    }
}
