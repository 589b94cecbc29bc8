using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Cairn.Cli.Output;
using Cairn.Content.Exchange;
using Cairn.Content.Storage;
using Cairn.Multiformats;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn fetch CID --from URL</c>: pulls a DAG from peers' trustless gateways into the local
/// store, every block verified against its CID, and pins it. The same code a compute node uses for
/// inputs it lacks.
/// </summary>
internal static class FetchCommand
{
    public static Command Create()
    {
        var cid = new Argument<string>("cid") { Description = "The root of the DAG to fetch." };
        var from = new Option<string[]>("--from")
        {
            Description = "A peer's gateway base URL, e.g. http://10.0.0.2:4780 (repeatable; asked in order, a peer that serves a wrong block is dropped).",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var pin = new Option<bool>("--pin") { Description = "Pin the root recursively once complete (default true).", DefaultValueFactory = _ => true };
        var noCar = new Option<bool>("--no-car") { Description = "Ask block by block (?format=raw) instead of one CAR for the whole DAG first." };
        var progress = new Option<bool?>("--progress") { Description = "Show blocks and bytes fetched on stderr (default: when stderr is a terminal)." };
        var format = Rendering.CreateOption();
        var command = new Command(
            "fetch",
            "Fetch a DAG from peers' trustless gateways (GET /ipfs/CID?format=car, then ?format=raw) into the local store, verifying every block.")
        {
            cid, from, pin, noCar, progress, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetRequiredValue(cid);
            if (!Cid.TryParse(text, out var root))
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"'{text}' is not a CID.") { Hint = "A CID looks like bafy... (v1) or Qm... (v0)." };
            }

            var peers = StaticPeerSource.Parse(parse.GetRequiredValue(from));
            using var repo = ContentRepo.Open(parse.GetValue(CliApp.HomeOption));
            // Holding the write lease keeps gc from sweeping fetched blocks before the pin is written.
            await repo.BeginWriteAsync(ct);
            using var http = new HttpClient();
            var fetcher = new GatewayFetcher(http, peers, new GatewayFetcherOptions { UseCar = !parse.GetValue(noCar) });
            var reporter = ProgressLine.Create(parse.GetValue(progress));
            FetchResult result;
            try
            {
                result = await fetcher.FetchDagAsync(root, repo.Blocks, reporter, ct);
            }
            finally
            {
                reporter?.Finish();
            }

            if (parse.GetValue(pin))
            {
                await repo.Pins.AddAsync(root, PinMode.Recursive, null, ct);
            }
            else
            {
                await repo.FileStore.FlushAsync(ct);
            }

            var report = new JsonObject
            {
                ["root"] = root.ToString(),
                ["blocks"] = result.BlocksFetched,
                ["bytes"] = result.BytesFetched,
                ["pinned"] = parse.GetValue(pin),
                ["peers"] = new JsonArray(result.Peers.Select(p => (JsonNode)new JsonObject
                {
                    ["url"] = p.Peer.ToString(),
                    ["blocks"] = p.Blocks,
                    ["bytes"] = p.Bytes,
                    ["failure"] = p.Failure,
                }).ToArray()),
            };
            if (!Rendering.TryWriteStructured(Console.Out, parse.GetValue(format), report))
            {
                Console.WriteLine(result.WasLocal
                    ? $"{root} is already complete here; nothing fetched"
                    : $"fetched {result.BlocksFetched} blocks ({result.BytesFetched} bytes) of {root}");
                foreach (var peer in result.Peers)
                {
                    Console.WriteLine($"  {peer.Peer}  {peer.Blocks} blocks, {peer.Bytes} bytes{(peer.Failure is null ? string.Empty : "  (" + peer.Failure + ")")}");
                }

                if (parse.GetValue(pin))
                {
                    Console.WriteLine($"pinned {root} recursively");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One line on stderr with the blocks and bytes so far, redrawn at most ten times a second.</summary>
    private sealed class ProgressLine : IProgress<FetchProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastDraw = -1000;
        private FetchProgress _last;

        public static ProgressLine? Create(bool? wanted) =>
            wanted ?? !Console.IsErrorRedirected ? new ProgressLine() : null;

        public void Report(FetchProgress value)
        {
            _last = value;
            if (_clock.ElapsedMilliseconds - _lastDraw >= 100)
            {
                _lastDraw = _clock.ElapsedMilliseconds;
                Draw();
            }
        }

        public void Finish()
        {
            Draw();
            Console.Error.WriteLine();
        }

        private void Draw() => Console.Error.Write($"\rfetching: {_last.Blocks} blocks, {_last.Bytes / 1024.0 / 1024.0:0.0} MiB");
    }
}
