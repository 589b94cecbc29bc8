using Cairn.Jobs;
using Cairn.Jobs.Specs;
using Cairn.Orchestrator.Ranking;
using Cairn.Orchestrator.Scheduling;
using Cairn.Orchestrator.Store;

namespace Cairn.Orchestrator.Tests.Scheduling;

/// <summary>A real orchestrator (SQLite file, scheduler, worker) over fake compute nodes and a manual clock.</summary>
internal sealed class OrchestratorHarness : IAsyncDisposable
{
    private readonly TempDir _dir;

    private OrchestratorHarness(TempDir dir, ManualTimeProvider clock, SqliteJobStore store, SchedulerOptions options)
    {
        _dir = dir;
        Clock = clock;
        Store = store;
        Options = options;
        Orchestrator = new JobOrchestrator(store, new JobSpecValidator(["noop", "wasm", "docker"]), Clock);
        Scheduler = new JobScheduler(store, Nodes, NodeSelector.Default, options, Clock);
        Worker = new EvaluationWorker(store, Scheduler, options, Clock, "w1");
    }

    public ManualTimeProvider Clock { get; }

    public SqliteJobStore Store { get; }

    public SchedulerOptions Options { get; }

    public InMemoryNodeDirectory Nodes { get; } = new();

    public JobOrchestrator Orchestrator { get; }

    public JobScheduler Scheduler { get; }

    public EvaluationWorker Worker { get; }

    public static async Task<OrchestratorHarness> CreateAsync(SchedulerOptions? options = null)
    {
        var dir = new TempDir();
        var clock = new ManualTimeProvider();
        var store = await SqliteJobStore.OpenAsync(dir.Combine("jobs.db"), clock, TestContext.Token);
        return new OrchestratorHarness(dir, clock, store, options ?? new SchedulerOptions());
    }

    public FakeComputeNode AddNode(string id, FakeBehavior behavior = FakeBehavior.Complete, long price = 0, IReadOnlyDictionary<string, string>? labels = null, string[]? engines = null)
    {
        var node = new FakeComputeNode(id, Orchestrator, behavior, price, labels, engines);
        Nodes.Add(node);
        return node;
    }

    public Task<int> DrainAsync() => Worker.DrainAsync(TestContext.Token);

    public async Task<JobRecord> SubmitAsync(Job job)
    {
        var record = await Orchestrator.SubmitAsync(job, cancellationToken: TestContext.Token);
        await DrainAsync();
        return record;
    }

    public async Task<JobRecord> JobAsync(JobId id) => (await Store.GetJobAsync(id, TestContext.Token))!;

    public Task<IReadOnlyList<ExecutionRecord>> ExecutionsAsync(JobId id) => Store.GetExecutionsAsync(id, TestContext.Token);

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        _dir.Dispose();
        await Task.CompletedTask;
    }
}
