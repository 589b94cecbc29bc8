using Cairn.Jobs;
using Cairn.Jobs.Specs;
using Cairn.Ledger;
using Cairn.Ledger.Chain;
using Cairn.Ledger.Identity;
using Cairn.Ledger.Market;
using Cairn.Ledger.State;
using Cairn.Market;
using Cairn.Orchestrator.Ranking;
using Cairn.Orchestrator.Scheduling;
using Cairn.Orchestrator.Store;
using Cairn.Orchestrator.Tests.Scheduling;

namespace Cairn.Orchestrator.Tests.Market;

/// <summary>
/// A real orchestrator (SQLite job store, scheduler, workers) over a real embedded ledger (SQLite
/// file) with a real LedgerMarket, and fake compute nodes that sign real usage reports. It can be
/// torn down and reopened on the same files, as a restarted node would be.
/// </summary>
internal sealed class MarketHarness : IAsyncDisposable
{
    public const long FuelPrice = 10;
    public const long Collateral = 100;
    public const long FeeBps = 250;
    public const long ClientFunds = 1_000_000;
    public const long ProviderFunds = 50_000;
    public const long TreasuryFunds = 1_000_000;

    private readonly TempDir? _ownedDir;

    private MarketHarness(string dir, TempDir? ownedDir, string seed, SchedulerOptions options)
    {
        Dir = dir;
        _ownedDir = ownedDir;
        Options = options;
        Producer = Key(seed, "producer");
        Treasury = Key(seed, "treasury");
        OrchestratorKey = Key(seed, "orchestrator");
        Client = Key(seed, "client");
        Poor = Key(seed, "poor");
        Provider = Key(seed, "provider");
        Genesis = new GenesisConfig(
            "cairn-test",
            Producer.Did.Text,
            Treasury.Did.Text,
            [OrchestratorKey.Did.Text],
            FeeBps,
            2000,
            new SortedDictionary<string, long>(StringComparer.Ordinal)
            {
                [Treasury.Did.Text] = TreasuryFunds,
                [Client.Did.Text] = ClientFunds,
                [Provider.Did.Text] = ProviderFunds,
            },
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000);
    }

    /// <summary>Where the ledger and job store files live.</summary>
    public string Dir { get; }

    public SchedulerOptions Options { get; }

    public GenesisConfig Genesis { get; }

    public LedgerKey Producer { get; }

    public LedgerKey Treasury { get; }

    public LedgerKey OrchestratorKey { get; }

    public LedgerKey Client { get; }

    public LedgerKey Poor { get; }

    public LedgerKey Provider { get; }

    // The scheduler's clock starts at the real time: the ledger stamps blocks with the real clock and
    // rejects deal deadlines before them.
    public ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public EmbeddedLedger Ledger { get; private set; } = null!;

    public LedgerMarket Market { get; private set; } = null!;

    public FlakyMarket Flaky { get; private set; } = null!;

    public SqliteJobStore Store { get; private set; } = null!;

    public InMemoryNodeDirectory Nodes { get; private set; } = null!;

    public JobOrchestrator Orchestrator { get; private set; } = null!;

    public JobScheduler Scheduler { get; private set; } = null!;

    public string LedgerPath => Path.Combine(Dir, "ledger.db");

    /// <summary>A fresh ledger (offer published, client's allowance approved) and job store in a new temp folder.</summary>
    public static async Task<MarketHarness> CreateAsync(SchedulerOptions? options = null, MarketOptions? marketOptions = null, string? seed = null)
    {
        var dir = new TempDir();
        var h = new MarketHarness(dir.Path, dir, seed ?? Guid.NewGuid().ToString("N"), options ?? new SchedulerOptions());
        await h.OpenAsync(marketOptions);
        using var provider = new LedgerMarket(h.Ledger, h.Provider, TimeProvider.System);
        await provider.PublishOfferAsync(
            new Offer(h.Provider.Did.Text, "wasm", new ResourceAmounts(4000, 8L << 30, 100L << 30, 0), ["noop", "wasm"], new UsagePrices(FuelPrice, 0, 0), Collateral, "local", new Dictionary<string, string>(), true),
            TestContext.Token);
        await h.Ledger.SubmitAsync(h.Ledger.Sign(MarketTransactions.Approve(h.Client.Did.Text, 0, h.OrchestratorKey.Did.Text, 100_000_000), h.Client), TestContext.Token);
        return h;
    }

    /// <summary>Opens the files another harness with the same <paramref name="seed"/> created (the crash child does).</summary>
    public static async Task<MarketHarness> AttachAsync(string dir, string seed, SchedulerOptions? options = null)
    {
        var h = new MarketHarness(dir, null, seed, options ?? new SchedulerOptions());
        await h.OpenAsync();
        return h;
    }

    // Keys from a seed, so a child process and its parent act as the same parties.
    private static LedgerKey Key(string seed, string role) =>
        LedgerKey.FromPrivateScalar(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed + "/" + role)));

    /// <summary>Opens (or reopens) the ledger, job store, market and scheduler on the harness's files.</summary>
    public async Task OpenAsync(MarketOptions? marketOptions = null)
    {
        Ledger = EmbeddedLedger.Open(LedgerPath, Producer, Genesis);
        Market = new LedgerMarket(Ledger, OrchestratorKey, TimeProvider.System);
        Flaky = new FlakyMarket(Market);
        Store = await SqliteJobStore.OpenAsync(Path.Combine(Dir, "jobs.db"), Clock, TestContext.Token);
        Nodes = new InMemoryNodeDirectory();
        Orchestrator = new JobOrchestrator(Store, new JobSpecValidator(["noop", "wasm"]), Clock);
        Scheduler = new JobScheduler(Store, Nodes, NodeSelector.Default, Options, Clock, Flaky, marketOptions ?? new MarketOptions { DefaultClient = Client.Did.Text });
    }

    /// <summary>Drops everything in memory (a crash) and closes the files.</summary>
    public async Task CloseAsync()
    {
        Store.Dispose();
        Market.Dispose();
        await Ledger.DisposeAsync();
    }

    public FakeComputeNode AddNode(string id = "n-provider", FakeBehavior behavior = FakeBehavior.Complete, long fuel = 123_456_789)
    {
        var node = new FakeComputeNode(id, Orchestrator, behavior) { Key = Provider, Usage = new Usage(fuel, 0, 0) };
        node.Info = node.Info with { Account = Provider.Did.Text, OfferId = "wasm", Price = FuelPrice };
        Nodes.Add(node);
        return node;
    }

    public EvaluationWorker Worker(string id = "w1") => new(Store, Scheduler, Options, Clock, id);

    public Task<int> DrainAsync() => Worker().DrainAsync(TestContext.Token);

    public async Task<JobRecord> SubmitAsync(Job job)
    {
        var record = await Orchestrator.SubmitAsync(job, cancellationToken: TestContext.Token);
        await DrainAsync();
        return record;
    }

    public async Task<JobRecord> JobAsync(JobId id) => (await Store.GetJobAsync(id, TestContext.Token))!;

    public Task<IReadOnlyList<ExecutionRecord>> ExecutionsAsync(JobId id) => Store.GetExecutionsAsync(id, TestContext.Token);

    public async Task<long> BalanceAsync(LedgerKey key) => await Ledger.GetBalanceAsync(key.Did.Text, TestContext.Token);

    /// <summary>What the provider earns for <paramref name="fuel"/> and what the treasury takes.</summary>
    public static (long Cost, long Fee) Price(long fuel, long budget)
    {
        var cost = Math.Min(budget, fuel * FuelPrice / 1_000_000);
        return (cost, cost * FeeBps / 10_000);
    }

    /// <summary>Checks the supply adds up, nothing is left escrowed, and the ledger file verifies from genesis.</summary>
    public async Task AssertLedgerSoundAsync()
    {
        var (_, escrow, collateral) = Ledger.GetTotals();
        Assert.Equal(0, escrow);
        Assert.Equal(0, collateral);
        Assert.Null(Ledger.CheckInvariants());
        long sum = 0;
        foreach (var k in new[] { Treasury, Client, Poor, Provider, OrchestratorKey, Producer })
        {
            sum += await BalanceAsync(k);
        }

        Assert.Equal(TreasuryFunds + ClientFunds + ProviderFunds, sum);
        await Ledger.DisposeAsync();
        var report = EmbeddedLedger.Verify(LedgerPath, TestContext.Token);
        Assert.True(report.Ok, report.Reason);
        Ledger = EmbeddedLedger.Open(LedgerPath, Producer);
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        Market.Dispose();
        await Ledger.DisposeAsync();
        foreach (var k in new[] { Producer, Treasury, OrchestratorKey, Client, Poor, Provider })
        {
            k.Dispose();
        }

        _ownedDir?.Dispose();
    }
}
