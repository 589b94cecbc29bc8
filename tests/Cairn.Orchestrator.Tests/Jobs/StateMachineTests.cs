using Cairn.Jobs;

namespace Cairn.Orchestrator.Tests.Jobs;

public class StateMachineTests
{
    [Fact]
    public void Execution_HappyPath_IsLegal()
    {
        ExecutionState[] path = [ExecutionState.New, ExecutionState.AskForBid, ExecutionState.BidAccepted, ExecutionState.Running, ExecutionState.Publishing, ExecutionState.Completed];
        for (var i = 1; i < path.Length; i++)
        {
            Assert.True(ExecutionStateMachine.CanTransition(path[i - 1], path[i]), $"{path[i - 1]} -> {path[i]}");
        }
    }

    [Theory]
    [InlineData(ExecutionState.New, ExecutionState.Running)]
    [InlineData(ExecutionState.AskForBid, ExecutionState.Running)]
    [InlineData(ExecutionState.Running, ExecutionState.BidAccepted)]
    [InlineData(ExecutionState.Publishing, ExecutionState.Running)]
    [InlineData(ExecutionState.Completed, ExecutionState.Failed)]
    [InlineData(ExecutionState.Failed, ExecutionState.Running)]
    [InlineData(ExecutionState.Cancelled, ExecutionState.Completed)]
    [InlineData(ExecutionState.BidRejected, ExecutionState.BidAccepted)]
    [InlineData(ExecutionState.New, ExecutionState.New)]
    public void Execution_IllegalMoves_AreRejected(ExecutionState from, ExecutionState to)
    {
        Assert.False(ExecutionStateMachine.CanTransition(from, to));
        var e = Assert.Throws<CairnException>(() => ExecutionStateMachine.EnsureTransition(ExecutionId.New(), from, to));
        Assert.Equal(ErrorCode.Conflict, e.Code);
    }

    [Fact]
    public void Execution_FailedAndCancelled_ReachableFromEveryLiveState()
    {
        foreach (var state in Enum.GetValues<ExecutionState>().Where(s => !ExecutionStateMachine.IsTerminal(s)))
        {
            Assert.True(ExecutionStateMachine.CanTransition(state, ExecutionState.Failed));
            Assert.True(ExecutionStateMachine.CanTransition(state, ExecutionState.Cancelled));
        }
    }

    [Fact]
    public void Job_TerminalStates_HaveNoWayOut()
    {
        foreach (var from in Enum.GetValues<JobState>().Where(JobStateMachine.IsTerminal))
        {
            foreach (var to in Enum.GetValues<JobState>())
            {
                Assert.False(JobStateMachine.CanTransition(from, to));
            }
        }
    }

    [Fact]
    public void Job_StoppedAfterCompleted_SaysWhy()
    {
        var e = Assert.Throws<CairnException>(() => JobStateMachine.EnsureTransition(JobId.New(), JobState.Completed, JobState.Stopped));

        Assert.Equal(ErrorCode.Conflict, e.Code);
        Assert.Contains("already Completed", e.Hint, StringComparison.Ordinal);
    }
}
