namespace Cairn.Jobs;

/// <summary>
/// The legal transitions of <see cref="ExecutionState"/>:
/// New → AskForBid → BidAccepted → Running → Publishing → Completed, with BidRejected after
/// AskForBid, and Failed or Cancelled from any non-terminal state.
/// </summary>
public static class ExecutionStateMachine
{
    /// <summary>True for the states an execution never leaves.</summary>
    public static bool IsTerminal(ExecutionState state) =>
        state is ExecutionState.Completed or ExecutionState.Failed or ExecutionState.Cancelled or ExecutionState.BidRejected;

    /// <summary>True while the execution holds (or is about to hold) resources on its node.</summary>
    public static bool IsActive(ExecutionState state) => !IsTerminal(state);

    /// <summary>True when an execution may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanTransition(ExecutionState from, ExecutionState to)
    {
        if (IsTerminal(from))
        {
            return false;
        }

        if (to is ExecutionState.Failed or ExecutionState.Cancelled)
        {
            return true;
        }

        return (from, to) switch
        {
            (ExecutionState.New, ExecutionState.AskForBid) => true,
            (ExecutionState.AskForBid, ExecutionState.BidAccepted or ExecutionState.BidRejected) => true,
            (ExecutionState.BidAccepted, ExecutionState.Running) => true,

            // A node may report completion without a separate publishing step (noop publishes nothing).
            (ExecutionState.Running, ExecutionState.Publishing or ExecutionState.Completed) => true,
            (ExecutionState.Publishing, ExecutionState.Completed) => true,
            _ => false,
        };
    }

    /// <summary>Throws <see cref="CairnException"/> (<see cref="ErrorCode.Conflict"/>) when the move is illegal.</summary>
    public static void EnsureTransition(ExecutionId execution, ExecutionState from, ExecutionState to)
    {
        if (!CanTransition(from, to))
        {
            throw new CairnException(ErrorCode.Conflict, $"Execution {execution} cannot move from {from} to {to}.");
        }
    }
}
