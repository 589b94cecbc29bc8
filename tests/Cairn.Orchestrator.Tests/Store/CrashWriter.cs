using Cairn.Jobs;
using Cairn.Orchestrator.Store;

namespace Cairn.Orchestrator.Tests.Store;

/// <summary>Writes jobs through their whole life to a store, forever, printing how many it finished.</summary>
internal static class CrashWriter
{
    public static async Task RunAsync(string path)
    {
        using var store = await SqliteJobStore.OpenAsync(path, TimeProvider.System);
        for (var n = 1; ; n++)
        {
            var job = TestJobs.Noop();
            await store.CreateJobAsync(job, new EvaluationRecord { Id = EvaluationId.New(), JobId = job.Id, WaitUntil = DateTimeOffset.UtcNow }, "client");
            var claimed = await store.ClaimEvaluationAsync("crash-writer", TimeSpan.FromMinutes(5));
            var execution = new ExecutionRecord { Id = ExecutionId.New(), JobId = job.Id, NodeId = NodeId.Parse("n-1"), Attempt = 1 };
            await store.CreateExecutionAsync(execution, "scheduler");
            foreach (var state in new[] { ExecutionState.AskForBid, ExecutionState.BidAccepted, ExecutionState.Running, ExecutionState.Completed })
            {
                var followUp = state == ExecutionState.Completed ? new EvaluationRecord { Id = EvaluationId.New(), JobId = job.Id, WaitUntil = DateTimeOffset.UtcNow } : null;
                await store.UpdateExecutionAsync(execution.Id, new ExecutionUpdate { State = state, FollowUp = followUp }, "node:n-1");
            }

            await store.UpdateJobStateAsync(job.Id, JobState.Running, null, "scheduler");
            await store.UpdateJobStateAsync(job.Id, JobState.Completed, "done", "scheduler");
            if (claimed is not null)
            {
                await store.AckEvaluationAsync(claimed.Id, "crash-writer");
            }

            Console.WriteLine(n);
        }
    }
}
