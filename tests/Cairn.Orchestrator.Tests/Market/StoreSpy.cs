using System.Reflection;
using Cairn.Jobs;
using Cairn.Orchestrator.Store;

namespace Cairn.Orchestrator.Tests.Market;

/// <summary>
/// An <see cref="IJobStore"/> that forwards every call to a real store, and lets a test act at two
/// points: just before a job is read (to change the world between two reads of one scheduler pass)
/// and just before a job's state is changed (to look at the store at that moment).
/// </summary>
public class StoreSpy : DispatchProxy
{
    private IJobStore _inner = null!;

    public Func<JobId, Task>? BeforeGetJob { get; set; }

    public Func<JobId, JobState, Task>? BeforeJobState { get; set; }

    public static (IJobStore Store, StoreSpy Spy) Wrap(IJobStore inner)
    {
        var store = Create<IJobStore, StoreSpy>();
        var spy = (StoreSpy)(object)store;
        spy._inner = inner;
        return (store, spy);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return targetMethod.Name switch
        {
            nameof(IJobStore.GetJobAsync) when BeforeGetJob is { } hook => GetJobAsync(hook, (JobId)args![0]!, (CancellationToken)args[1]!),
            nameof(IJobStore.UpdateJobStateAsync) when BeforeJobState is { } hook => Then(hook((JobId)args![0]!, (JobState)args[1]!), () => Forward(targetMethod, args)),
            _ => Forward(targetMethod, args),
        };
    }

    private async Task<JobRecord?> GetJobAsync(Func<JobId, Task> hook, JobId id, CancellationToken cancellationToken)
    {
        await hook(id);
        return await _inner.GetJobAsync(id, cancellationToken);
    }

    private static async Task<JobRecord> Then(Task first, Func<object?> next)
    {
        await first;
        return await (Task<JobRecord>)next()!;
    }

    private object? Forward(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
