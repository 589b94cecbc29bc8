using Cairn.Compute.Executors;
using Cairn.Compute.Tests.Conformance;
using Cairn.Content.Storage;
using Cairn.Content.UnixFs;
using Cairn.Executors.Wasm;
using Cairn.Jobs;
using Cairn.Jobs.Compute;
using Cairn.Jobs.Execution;
using Cairn.Ledger.Identity;
using Cairn.Market;
using Cairn.Multiformats;
using Cairn.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Compute.Tests;

/// <summary>A compute node on a real content repository in a temp home, with the noop and wasm executors.</summary>
internal sealed class NodeHarness : IAsyncDisposable
{
    private readonly TempDir _dir = new();

    public NodeHarness(Func<ComputeNodeOptions, ComputeNodeOptions>? configure = null, int failFirstReports = 0, IMarket? market = null, TimeProvider? clock = null)
    {
        Repo = ContentRepo.Open(_dir.Combine("home"));
        Key = LedgerKey.Generate();
        Callback = new RecordingCallback(failFirstReports);
        var options = new ComputeNodeOptions
        {
            NodeId = NodeId.Parse("n-test"),
            WorkDirectory = _dir.Combine("work"),
            Capacity = new Resources { CpuMillis = 2000, MemoryBytes = 1L << 30, DiskBytes = 1L << 30 },
            Prices = new UsagePrices(10, 0, 0),
            OfferId = "offer-1",
        };
        Options = configure is null ? options : configure(options);
        Node = new ComputeNode(Options, Repo, [new NoopExecutor(), new WasmExecutor()], Key, clock ?? TimeProvider.System, NullLogger.Instance, market);
        Node.Attach(Callback);
    }

    public ContentRepo Repo { get; }

    public LedgerKey Key { get; }

    public RecordingCallback Callback { get; }

    public ComputeNodeOptions Options { get; }

    public ComputeNode Node { get; }

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public static CancellationToken Token() => new CancellationTokenSource(TimeSpan.FromSeconds(50)).Token;

    /// <summary>Adds a host file or directory to the store like `cairn add -r` (CIDv1, raw leaves).</summary>
    public async Task<Cid> AddAsync(string path, CancellationToken ct)
    {
        var entry = await new UnixFsImporter(Repo.Blocks, new ImportOptions()).ImportPathAsync(path, recursive: true, null, null, ct);
        return entry.Cid;
    }

    /// <summary>Exports a CID from the store to a fresh host path.</summary>
    public async Task<string> ExportAsync(string cid, CancellationToken ct)
    {
        var path = _dir.Combine("export-" + Guid.NewGuid().ToString("n"));
        await new UnixFsExporter(Repo.Blocks).ExportAsync(Cid.Parse(cid), path, ct);
        return path;
    }

    public async Task<string> CatAsync(string cid, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await new UnixFsExporter(Repo.Blocks).WriteFileAsync(Cid.Parse(cid), buffer, ct);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Bids, accepts and waits for the execution's end.</summary>
    public async Task<(ExecutionId Id, ExecutionReport End)> RunAsync(Job job, CancellationToken ct, DealTerms? deal = null)
    {
        var id = ExecutionId.New();
        var bid = await Node.AskBidAsync(new AskBidRequest { ExecutionId = id, Job = job }, ct);
        Assert.True(bid.Accepted, bid.Reason);
        await Node.BidAcceptedAsync(new BidAcceptedRequest { ExecutionId = id, Job = job, Deal = deal }, ct);
        return (id, await Callback.EndAsync(id, ct));
    }

    public static Job Job(SpecConfig engine, IReadOnlyList<InputSource>? inputs = null, Resources? resources = null, TimeSpan? timeout = null, IReadOnlyList<ResultPath>? results = null) => new()
    {
        Id = JobId.New(),
        Name = "test",
        Tasks =
        [
            new JobTask
            {
                Name = "main",
                Engine = engine,
                InputSources = inputs ?? [],
                ResultPaths = results ?? [new ResultPath { Name = "out", Path = "/outputs" }],
                Resources = resources ?? new Resources { CpuMillis = 500, MemoryBytes = 64L << 20 },
                Timeouts = new Timeouts { ExecutionTimeout = timeout ?? TimeSpan.FromSeconds(30) },
            },
        ],
    };

    public static Job TransformJob(params InputSource[] inputs) => Job(ExecutorModules.WasmEngine("transform", ["/inputs", "/outputs"]), inputs);

    public static InputSource Source(string type, string target, params (string Key, object? Value)[] parameters) => new()
    {
        Target = target,
        Source = new SpecConfig { Type = type, Params = SpecParams.Create(parameters.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value))) },
    };

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        Repo.Dispose();
        Key.Dispose();
        if (!OperatingSystem.IsWindows() && Directory.Exists(Options.WorkDirectory))
        {
            // Kept work directories hold read-only inputs; without root they cannot be deleted as they are.
            foreach (var dir in Directory.EnumerateDirectories(Options.WorkDirectory, "*", SearchOption.AllDirectories))
            {
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        _dir.Dispose();
    }
}
