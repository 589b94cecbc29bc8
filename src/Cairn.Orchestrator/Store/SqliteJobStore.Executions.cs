using System.Text.Json;
using Cairn.Jobs;
using Cairn.Market;
using Microsoft.Data.Sqlite;

namespace Cairn.Orchestrator.Store;

/// <content>Executions.</content>
public sealed partial class SqliteJobStore
{
    private const string ExecutionColumns =
        "id, job_id, node_id, desired_state, state, state_message, attempt, bid_price, result, revision, created_at, modified_at, started_at, "
        + "deal_id, deal_tx, deal_status, settlement_tx, paid, refunded";

    /// <inheritdoc />
    public Task CreateExecutionAsync(ExecutionRecord execution, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(execution);
        return WriteAsync(
            async (connection, transaction) =>
            {
                var now = Now();
                await using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = $"""
                        INSERT INTO executions ({ExecutionColumns})
                        VALUES ($id, $job, $node, $desired, $state, $message, $attempt, $bid, $result, 1, $now, $now, NULL,
                          $deal, NULL, NULL, NULL, NULL, NULL)
                        """;
                    command.Parameters.AddWithValue("$id", execution.Id.Value);
                    command.Parameters.AddWithValue("$job", execution.JobId.Value);
                    command.Parameters.AddWithValue("$node", execution.NodeId.Value);
                    command.Parameters.AddWithValue("$desired", execution.DesiredState.ToString());
                    command.Parameters.AddWithValue("$state", execution.State.ToString());
                    command.Parameters.AddWithValue("$message", Db(execution.StateMessage));
                    command.Parameters.AddWithValue("$attempt", execution.Attempt);
                    command.Parameters.AddWithValue("$bid", Db(execution.BidPrice));
                    command.Parameters.AddWithValue("$result", Db(execution.Result is null ? null : JsonSerializer.Serialize(execution.Result, JobStoreJsonContext.Default.RunResult)));
                    command.Parameters.AddWithValue("$now", now);
                    command.Parameters.AddWithValue("$deal", Db(execution.DealId));
                    try
                    {
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }
                    catch (SqliteException e) when (e.SqliteErrorCode == 19)
                    {
                        throw new CairnException(ErrorCode.Conflict, $"Execution {execution.Id} already exists, or job {execution.JobId} does not.", e);
                    }
                }

                await AppendHistoryAsync(
                    connection, transaction, execution.JobId, HistoryKind.Execution, null, execution.State.ToString(), actor,
                    $"placed on node {execution.NodeId} (attempt {execution.Attempt})" + (execution.StateMessage is null ? string.Empty : ": " + execution.StateMessage), cancellationToken, executionId: execution.Id);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ExecutionRecord?> GetExecutionAsync(ExecutionId id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await ReadExecutionAsync(connection, null, id, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExecutionRecord>> GetExecutionsAsync(JobId jobId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ExecutionColumns} FROM executions WHERE job_id = $job ORDER BY created_at, rowid";
        command.Parameters.AddWithValue("$job", jobId.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var executions = new List<ExecutionRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            executions.Add(ReadExecution(reader));
        }

        return executions;
    }

    /// <inheritdoc />
    public Task<ExecutionRecord> UpdateExecutionAsync(ExecutionId id, ExecutionUpdate update, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return WriteAsync(
            async (connection, transaction) =>
            {
                var current = await ReadExecutionAsync(connection, transaction, id, cancellationToken)
                    ?? throw new CairnException(ErrorCode.NotFound, $"Execution {id} does not exist.");
                if (update.ExpectedState is { } expected && current.State != expected)
                {
                    throw new CairnException(ErrorCode.Conflict, $"Execution {id} is {current.State}, not {expected}.");
                }

                var state = update.State ?? current.State;
                if (state != current.State)
                {
                    ExecutionStateMachine.EnsureTransition(id, current.State, state);
                }

                var now = Now();
                var clear = update.ClearDeal;
                var updated = current with
                {
                    DealId = clear ? null : update.DealId ?? current.DealId,
                    DealTxCid = clear ? null : update.DealTxCid ?? current.DealTxCid,
                    DealStatus = clear ? null : update.DealStatus ?? current.DealStatus,
                    SettlementTxCid = clear ? null : update.SettlementTxCid ?? current.SettlementTxCid,
                    Paid = clear ? null : update.Paid ?? current.Paid,
                    Refunded = clear ? null : update.Refunded ?? current.Refunded,
                    State = state,
                    DesiredState = update.DesiredState ?? current.DesiredState,
                    StateMessage = update.Message ?? (state != current.State ? null : current.StateMessage),
                    BidPrice = update.BidPrice ?? current.BidPrice,
                    Result = update.Result ?? current.Result,
                    Revision = current.Revision + 1,
                    ModifiedAt = FromTicks(now),
                    StartedAt = current.StartedAt ?? (state == ExecutionState.Running ? FromTicks(now) : null),
                };
                await using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = """
                        UPDATE executions SET desired_state = $desired, state = $state, state_message = $message, bid_price = $bid,
                          result = $result, revision = $revision, modified_at = $now, started_at = $started,
                          deal_id = $deal, deal_tx = $dealTx, deal_status = $dealStatus, settlement_tx = $settlementTx,
                          paid = $paid, refunded = $refunded
                        WHERE id = $id
                        """;
                    command.Parameters.AddWithValue("$desired", updated.DesiredState.ToString());
                    command.Parameters.AddWithValue("$state", updated.State.ToString());
                    command.Parameters.AddWithValue("$message", Db(updated.StateMessage));
                    command.Parameters.AddWithValue("$bid", Db(updated.BidPrice));
                    command.Parameters.AddWithValue("$result", Db(updated.Result is null ? null : JsonSerializer.Serialize(updated.Result, JobStoreJsonContext.Default.RunResult)));
                    command.Parameters.AddWithValue("$revision", updated.Revision);
                    command.Parameters.AddWithValue("$now", now);
                    command.Parameters.AddWithValue("$started", Db(updated.StartedAt?.UtcTicks));
                    command.Parameters.AddWithValue("$id", id.Value);
                    command.Parameters.AddWithValue("$deal", Db(updated.DealId));
                    command.Parameters.AddWithValue("$dealTx", Db(updated.DealTxCid));
                    command.Parameters.AddWithValue("$dealStatus", Db(updated.DealStatus?.ToString()));
                    command.Parameters.AddWithValue("$settlementTx", Db(updated.SettlementTxCid));
                    command.Parameters.AddWithValue("$paid", Db(updated.Paid));
                    command.Parameters.AddWithValue("$refunded", Db(updated.Refunded));
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                if (state != current.State)
                {
                    await AppendHistoryAsync(connection, transaction, current.JobId, HistoryKind.Execution, current.State.ToString(), state.ToString(), actor, update.Message, cancellationToken, executionId: id);
                }
                else if (updated.DesiredState != current.DesiredState)
                {
                    await AppendHistoryAsync(
                        connection, transaction, current.JobId, HistoryKind.Execution, current.State.ToString(), state.ToString(), actor,
                        $"desired state {current.DesiredState} -> {updated.DesiredState}" + (update.Message is null ? string.Empty : ": " + update.Message),
                        cancellationToken, executionId: id);
                }

                if (updated.DealStatus != current.DealStatus || updated.DealId != current.DealId)
                {
                    await AppendHistoryAsync(
                        connection, transaction, current.JobId, HistoryKind.Execution, state.ToString(), state.ToString(), actor,
                        update.DealMessage ?? DescribeDeal(updated), cancellationToken, executionId: id);
                }

                if (update.FollowUp is not null)
                {
                    await InsertEvaluationAsync(connection, transaction, update.FollowUp, actor, cancellationToken);
                }

                return updated;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExecutionRecord>> ListUnfinishedExecutionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {ExecutionColumns} FROM executions
            WHERE state NOT IN ('Completed', 'Failed', 'Cancelled', 'BidRejected')
               OR (deal_id IS NOT NULL AND (deal_status IS NULL OR deal_status = 'Open'))
            ORDER BY created_at, rowid
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var executions = new List<ExecutionRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            executions.Add(ReadExecution(reader));
        }

        return executions;
    }

    private static async Task<ExecutionRecord?> ReadExecutionAsync(SqliteConnection connection, SqliteTransaction? transaction, ExecutionId id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {ExecutionColumns} FROM executions WHERE id = $id";
        command.Parameters.AddWithValue("$id", id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadExecution(reader) : null;
    }

    private static ExecutionRecord ReadExecution(SqliteDataReader reader) => new()
    {
        Id = ExecutionId.Parse(reader.GetString(0)),
        JobId = JobId.Parse(reader.GetString(1)),
        NodeId = NodeId.Parse(reader.GetString(2)),
        DesiredState = Enum.Parse<ExecutionDesiredState>(reader.GetString(3)),
        State = Enum.Parse<ExecutionState>(reader.GetString(4)),
        StateMessage = reader.IsDBNull(5) ? null : reader.GetString(5),
        Attempt = reader.GetInt32(6),
        BidPrice = reader.IsDBNull(7) ? null : reader.GetInt64(7),
        Result = reader.IsDBNull(8) ? null : JsonSerializer.Deserialize(reader.GetString(8), JobStoreJsonContext.Default.RunResult),
        Revision = reader.GetInt64(9),
        CreatedAt = FromTicks(reader.GetInt64(10)),
        ModifiedAt = FromTicks(reader.GetInt64(11)),
        StartedAt = reader.IsDBNull(12) ? null : FromTicks(reader.GetInt64(12)),
        DealId = reader.IsDBNull(13) ? null : reader.GetString(13),
        DealTxCid = reader.IsDBNull(14) ? null : reader.GetString(14),
        DealStatus = reader.IsDBNull(15) ? null : Enum.Parse<DealStatus>(reader.GetString(15)),
        SettlementTxCid = reader.IsDBNull(16) ? null : reader.GetString(16),
        Paid = reader.IsDBNull(17) ? null : reader.GetInt64(17),
        Refunded = reader.IsDBNull(18) ? null : reader.GetInt64(18),
    };

    private static string DescribeDeal(ExecutionRecord e) => e switch
    {
        { DealId: null } => "no deal: it was never opened on the ledger",
        { DealStatus: null } => $"opening deal {e.DealId}",
        { DealStatus: DealStatus.Open } => $"deal {e.DealId} open (tx {e.DealTxCid})",
        _ => $"deal {e.DealId} {e.DealStatus.ToString()!.ToLowerInvariant()}: paid {e.Paid}, refunded {e.Refunded} (tx {e.SettlementTxCid})",
    };
}
