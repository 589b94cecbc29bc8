using Cairn.Jobs.Compute;
using Cairn.Jobs;
using Cairn.Orchestrator.Scheduling;

namespace Cairn.Node;

/// <summary>
/// Runs the node's evaluation workers. An idle worker sleeps until a compute report arrives (the
/// callback below pulses it) or the poll interval passes, so a job's next step starts as soon as
/// its news is stored instead of after a fixed poll: most of a short job's latency is these waits.
/// </summary>
internal sealed class WorkerPool : IComputeCallback, IAsyncDisposable
{
    private readonly IReadOnlyList<EvaluationWorker> _workers;
    private readonly IComputeCallback _inner;
    private readonly TimeSpan _idlePoll;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    public WorkerPool(IReadOnlyList<EvaluationWorker> workers, IComputeCallback inner, TimeSpan idlePoll)
    {
        _workers = workers;
        _inner = inner;
        _idlePoll = idlePoll;
    }

    public void Start()
    {
        foreach (var worker in _workers)
        {
            _loops.Add(Task.Run(() => LoopAsync(worker, _stop.Token)));
        }
    }

    /// <summary>Wakes idle workers: something was queued.</summary>
    public void Pulse()
    {
        // One release per worker at most; extra releases only cost an empty claim.
        if (_wake.CurrentCount < _workers.Count)
        {
            _wake.Release();
        }
    }

    public async Task ReportAsync(ExecutionReport report, CancellationToken cancellationToken = default)
    {
        await _inner.ReportAsync(report, cancellationToken);
        Pulse();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task LoopAsync(EvaluationWorker worker, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await worker.RunOnceAsync(cancellationToken))
                {
                    continue;
                }

                await _wake.WaitAsync(_idlePoll, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (CairnException)
            {
                // A store hiccup (busy, lease lost): the evaluation's lease brings it back; keep serving.
                await Task.Delay(_idlePoll, CancellationToken.None);
            }
        }
    }
}
