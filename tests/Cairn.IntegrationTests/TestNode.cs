using Cairn.ApiModels;
using Cairn.Client;
using Cairn.Jobs;
using Cairn.Node;
using Cairn.Orchestrator.Scheduling;

namespace Cairn.IntegrationTests;

/// <summary>A real embedded node on 127.0.0.1:0 over a temporary home, and a client for its API.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private readonly TempDir? _ownedDir;

    private TestNode(CairnNode node, TempDir? ownedDir, NodeOptions options)
    {
        Node = node;
        _ownedDir = ownedDir;
        Options = options;
        Client = new CairnClient(node.ApiUrl);
    }

    public CairnNode Node { get; }

    public CairnClient Client { get; }

    public NodeOptions Options { get; }

    public string Home => Node.Home.Root;

    /// <summary>Fast retries and polling, so failure paths finish in milliseconds.</summary>
    public static SchedulerOptions FastScheduler { get; } = new()
    {
        RetryBackoff = TimeSpan.FromMilliseconds(50),
        RetryBackoffMax = TimeSpan.FromMilliseconds(200),
        PollInterval = TimeSpan.FromMilliseconds(20),
        QueueRecheckInterval = TimeSpan.FromMilliseconds(200),
    };

    public static async Task<TestNode> StartAsync(CancellationToken cancellationToken, Func<NodeOptions, NodeOptions>? configure = null, string? home = null)
    {
        var dir = home is null ? new TempDir() : null;
        var options = new NodeOptions
        {
            Home = home ?? dir!.Combine("home"),
            ApiAddress = "127.0.0.1:0",
            Scheduler = FastScheduler,
        };
        options = configure?.Invoke(options) ?? options;
        try
        {
            var node = await CairnNode.StartAsync(options, cancellationToken);
            return new TestNode(node, dir, options);
        }
        catch
        {
            dir?.Dispose();
            throw;
        }
    }

    /// <summary>Submits spec text and waits for the job to reach a terminal state.</summary>
    public async Task<GetJobResponse> RunAsync(string spec, CancellationToken cancellationToken)
    {
        var submitted = await Client.SubmitJobAsync(spec, null, cancellationToken);
        return await WaitAsync(submitted.JobID, j => JobStateMachine.IsTerminal(j.Job.State), cancellationToken);
    }

    /// <summary>Polls the job until <paramref name="done"/> holds (at most 60 s).</summary>
    public async Task<GetJobResponse> WaitAsync(string jobId, Func<GetJobResponse, bool> done, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        GetJobResponse? job = null;
        try
        {
            while (true)
            {
                job = await Client.GetJobAsync(jobId, limit.Token);
                if (done(job))
                {
                    return job;
                }

                await Task.Delay(20, limit.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Job {jobId} is still {job?.Job.State} ({job?.Job.StateMessage}) after 60 s.");
        }
    }

    /// <summary>Waits until every execution of the job has a closed deal (settlement follows completion by a scheduler pass).</summary>
    public Task<GetJobResponse> WaitSettledAsync(string jobId, CancellationToken cancellationToken) =>
        WaitAsync(jobId, j => JobStateMachine.IsTerminal(j.Job.State) && j.Executions.All(e => e.DealStatus is not null and not Cairn.Market.DealStatus.Open), cancellationToken);

    /// <summary>Stops the node but keeps its home (for checks on the files afterwards).</summary>
    public Task StopNodeAsync(CancellationToken cancellationToken) => Node.StopAsync(cancellationToken);

    public async Task<long> BalanceAsync(string did, CancellationToken cancellationToken) => (await Client.GetBalanceAsync(did, cancellationToken)).Balance;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Node.DisposeAsync();
        _ownedDir?.Dispose();
    }
}
