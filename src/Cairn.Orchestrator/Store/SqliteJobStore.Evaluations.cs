using Cairn.Jobs;
using Microsoft.Data.Sqlite;

namespace Cairn.Orchestrator.Store;

/// <content>The evaluation queue.</content>
public sealed partial class SqliteJobStore
{
    private const string EvaluationColumns =
        "id, job_id, triggered_by, status, priority, wait_until, lease_owner, lease_expires_at, attempts, message, created_at, modified_at";

    /// <inheritdoc />
    public Task EnqueueEvaluationAsync(EvaluationRecord evaluation, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return WriteAsync(
            async (connection, transaction) =>
            {
                await InsertEvaluationAsync(connection, transaction, evaluation, actor, cancellationToken);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> EnqueueEvaluationUnlessPendingAsync(EvaluationRecord evaluation, DateTimeOffset after, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return WriteAsync(
            async (connection, transaction) =>
            {
                await using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = """
                        SELECT EXISTS (SELECT 1 FROM evaluations
                                       WHERE job_id = $job AND status = 'Pending' AND wait_until > $after AND wait_until <= $until)
                        """;
                    command.Parameters.AddWithValue("$job", evaluation.JobId.Value);
                    command.Parameters.AddWithValue("$after", after.UtcTicks);
                    command.Parameters.AddWithValue("$until", evaluation.WaitUntil.UtcTicks);
                    if ((long)(await command.ExecuteScalarAsync(cancellationToken))! != 0)
                    {
                        return false;
                    }
                }

                await InsertEvaluationAsync(connection, transaction, evaluation, actor, cancellationToken);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<EvaluationRecord?> ClaimEvaluationAsync(string worker, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(worker);
        return WriteAsync(
            async (connection, transaction) =>
            {
                var now = Now();

                // Ready = pending and due, or leased by a worker whose lease ran out (it crashed or hung).
                // A job with an evaluation under a live lease is skipped, so two workers never schedule one job at once.
                var candidate = Earlier(
                    await SelectReadyAsync(connection, transaction, PendingReadySql, now, cancellationToken),
                    await SelectReadyAsync(connection, transaction, ExpiredLeaseSql, now, cancellationToken));
                if (candidate is null)
                {
                    return null;
                }

                var expires = now + lease.Ticks;
                await using (var update = connection.CreateCommand())
                {
                    update.Transaction = transaction;
                    update.CommandText = """
                        UPDATE evaluations SET status = 'Leased', lease_owner = $worker, lease_expires_at = $expires,
                          attempts = attempts + 1, modified_at = $now, claimed_through = (SELECT MAX(rowid) FROM evaluations)
                        WHERE id = $id
                        """;
                    update.Parameters.AddWithValue("$worker", worker);
                    update.Parameters.AddWithValue("$expires", expires);
                    update.Parameters.AddWithValue("$now", now);
                    update.Parameters.AddWithValue("$id", candidate.Id.Value);
                    await update.ExecuteNonQueryAsync(cancellationToken);
                }

                var details = candidate.Status == EvaluationStatus.Leased
                    ? $"reclaimed by {worker}: the lease of {candidate.LeaseOwner} expired"
                    : $"claimed by {worker}";
                await AppendHistoryAsync(
                    connection, transaction, candidate.JobId, HistoryKind.Evaluation, candidate.Status.ToString(), nameof(EvaluationStatus.Leased),
                    "scheduler", details, cancellationToken, evaluationId: candidate.Id);
                return candidate with
                {
                    Status = EvaluationStatus.Leased,
                    LeaseOwner = worker,
                    LeaseExpiresAt = FromTicks(expires),
                    Attempts = candidate.Attempts + 1,
                    ModifiedAt = FromTicks(now),
                };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task AckEvaluationAsync(EvaluationId id, string worker, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var current = await RequireLeaseAsync(connection, transaction, id, worker, cancellationToken);
                await SetEvaluationStatusAsync(connection, transaction, current, EvaluationStatus.Completed, null, null, worker, "processed", cancellationToken);

                // Pending evaluations of the same job that existed and were due when this one was
                // claimed are answered by this pass: the scheduler reconciles the whole job, not one
                // event. Ones enqueued during the pass (a node's report) may carry news it did not see.
                var claimedAt = current.ModifiedAt.UtcTicks;
                long claimedThrough;
                await using (var through = connection.CreateCommand())
                {
                    through.Transaction = transaction;
                    through.CommandText = "SELECT COALESCE(claimed_through, 0) FROM evaluations WHERE id = $id";
                    through.Parameters.AddWithValue("$id", id.Value);
                    claimedThrough = (long)(await through.ExecuteScalarAsync(cancellationToken))!;
                }

                var covered = new List<EvaluationRecord>();
                await using (var select = connection.CreateCommand())
                {
                    select.Transaction = transaction;
                    select.CommandText = $"""
                        SELECT {EvaluationColumns} FROM evaluations
                        WHERE job_id = $job AND status = 'Pending' AND rowid <= $through AND wait_until <= $claimed AND id <> $id
                        """;
                    select.Parameters.AddWithValue("$job", current.JobId.Value);
                    select.Parameters.AddWithValue("$claimed", claimedAt);
                    select.Parameters.AddWithValue("$through", claimedThrough);
                    select.Parameters.AddWithValue("$id", id.Value);
                    await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        covered.Add(ReadEvaluation(reader));
                    }
                }

                foreach (var other in covered)
                {
                    await SetEvaluationStatusAsync(connection, transaction, other, EvaluationStatus.Completed, null, null, worker, $"covered by {id}", cancellationToken);
                }

                return true;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task NackEvaluationAsync(EvaluationId id, string worker, TimeSpan retryAfter, string reason, int maxAttempts, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var current = await RequireLeaseAsync(connection, transaction, id, worker, cancellationToken);
                if (current.Attempts >= maxAttempts)
                {
                    await SetEvaluationStatusAsync(connection, transaction, current, EvaluationStatus.Failed, null, reason, worker, $"gave up after {current.Attempts} attempts: {reason}", cancellationToken);
                }
                else
                {
                    await SetEvaluationStatusAsync(connection, transaction, current, EvaluationStatus.Pending, Now() + retryAfter.Ticks, reason, worker, $"retry in {retryAfter.TotalSeconds:0.###}s: {reason}", cancellationToken);
                }

                return true;
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task<EvaluationRecord?> GetEvaluationAsync(EvaluationId id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await ReadEvaluationAsync(connection, null, id, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EvaluationRecord>> GetEvaluationsAsync(JobId jobId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EvaluationColumns} FROM evaluations WHERE job_id = $job ORDER BY created_at, rowid";
        command.Parameters.AddWithValue("$job", jobId.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var evaluations = new List<EvaluationRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            evaluations.Add(ReadEvaluation(reader));
        }

        return evaluations;
    }

    // The queue is read in the order of evaluations_ready (status, priority DESC, wait_until,
    // created_at, rowid), so the first due row ends the scan. Left to itself the planner takes
    // evaluations_queue for the wait_until range and sorts every due row on each claim: with a
    // backlog of thousands that sort cost more than the whole pass it chose (docs/jobs.md, "The evaluation queue").
    private const string PendingReadySql = $"""
        SELECT {EvaluationColumns}, e.rowid FROM evaluations e INDEXED BY evaluations_ready
        WHERE e.status = 'Pending' AND e.wait_until <= $now
          AND NOT EXISTS (SELECT 1 FROM evaluations o
                          WHERE o.job_id = e.job_id AND o.id <> e.id AND o.status = 'Leased' AND o.lease_expires_at > $now)
        ORDER BY e.priority DESC, e.wait_until, e.created_at, e.rowid
        LIMIT 1
        """;

    // Leased rows are few (one per worker, plus any a crashed worker left), so this reads them all.
    private const string ExpiredLeaseSql = $"""
        SELECT {EvaluationColumns}, e.rowid FROM evaluations e
        WHERE e.status = 'Leased' AND e.lease_expires_at <= $now
          AND NOT EXISTS (SELECT 1 FROM evaluations o
                          WHERE o.job_id = e.job_id AND o.id <> e.id AND o.status = 'Leased' AND o.lease_expires_at > $now)
        ORDER BY e.priority DESC, e.wait_until, e.created_at, e.rowid
        LIMIT 1
        """;

    private static async Task<(EvaluationRecord Evaluation, long RowId)?> SelectReadyAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, long now, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = sql;
        select.Parameters.AddWithValue("$now", now);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (ReadEvaluation(reader), reader.GetInt64(12)) : null;
    }

    // The one a single query over both kinds would have returned first.
    private static EvaluationRecord? Earlier((EvaluationRecord Evaluation, long RowId)? a, (EvaluationRecord Evaluation, long RowId)? b)
    {
        if (a is not { } x)
        {
            return b?.Evaluation;
        }

        if (b is not { } y)
        {
            return x.Evaluation;
        }

        var order = y.Evaluation.Priority.CompareTo(x.Evaluation.Priority);
        order = order != 0 ? order : x.Evaluation.WaitUntil.CompareTo(y.Evaluation.WaitUntil);
        order = order != 0 ? order : x.Evaluation.CreatedAt.CompareTo(y.Evaluation.CreatedAt);
        order = order != 0 ? order : x.RowId.CompareTo(y.RowId);
        return order <= 0 ? x.Evaluation : y.Evaluation;
    }

    private async Task InsertEvaluationAsync(SqliteConnection connection, SqliteTransaction transaction, EvaluationRecord evaluation, string actor, CancellationToken cancellationToken)
    {
        var now = Now();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO evaluations ({EvaluationColumns})
                VALUES ($id, $job, $trigger, 'Pending', $priority, $wait, NULL, NULL, 0, $message, $now, $now)
                """;
            command.Parameters.AddWithValue("$id", evaluation.Id.Value);
            command.Parameters.AddWithValue("$job", evaluation.JobId.Value);
            command.Parameters.AddWithValue("$trigger", evaluation.TriggeredBy.ToString());
            command.Parameters.AddWithValue("$priority", evaluation.Priority);
            command.Parameters.AddWithValue("$wait", Math.Max(evaluation.WaitUntil.UtcTicks, 0));
            command.Parameters.AddWithValue("$message", Db(evaluation.Message));
            command.Parameters.AddWithValue("$now", now);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 19)
            {
                throw new CairnException(ErrorCode.Conflict, $"Evaluation {evaluation.Id} already exists, or job {evaluation.JobId} does not.", e);
            }
        }

        var due = evaluation.WaitUntil.UtcTicks > now ? $" (due {evaluation.WaitUntil:O})" : string.Empty;
        await AppendHistoryAsync(
            connection, transaction, evaluation.JobId, HistoryKind.Evaluation, null, nameof(EvaluationStatus.Pending), actor,
            $"{evaluation.TriggeredBy}{due}", cancellationToken, evaluationId: evaluation.Id);
    }

    private async Task<EvaluationRecord> RequireLeaseAsync(SqliteConnection connection, SqliteTransaction transaction, EvaluationId id, string worker, CancellationToken cancellationToken)
    {
        var current = await ReadEvaluationAsync(connection, transaction, id, cancellationToken)
            ?? throw new CairnException(ErrorCode.NotFound, $"Evaluation {id} does not exist.");
        if (current.Status != EvaluationStatus.Leased || current.LeaseOwner != worker)
        {
            throw new CairnException(ErrorCode.Conflict, $"Evaluation {id} is not leased by {worker} (it is {current.Status}{(current.LeaseOwner is null ? string.Empty : ", held by " + current.LeaseOwner)}).")
            {
                Hint = "The lease expired and another worker reclaimed it; this worker's result is discarded.",
            };
        }

        // A worker whose lease has run out has lost it even if nobody reclaimed it yet.
        if (current.LeaseExpiresAt is { } expires && expires.UtcTicks <= Now())
        {
            throw new CairnException(ErrorCode.Conflict, $"The lease of {worker} on evaluation {id} expired at {expires:O}.");
        }

        return current;
    }

    private async Task SetEvaluationStatusAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        EvaluationRecord current,
        EvaluationStatus status,
        long? waitUntil,
        string? message,
        string actor,
        string details,
        CancellationToken cancellationToken)
    {
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE evaluations SET status = $status, lease_owner = NULL, lease_expires_at = NULL,
                  wait_until = COALESCE($wait, wait_until), message = COALESCE($message, message), modified_at = $now
                WHERE id = $id
                """;
            command.Parameters.AddWithValue("$status", status.ToString());
            command.Parameters.AddWithValue("$wait", Db(waitUntil));
            command.Parameters.AddWithValue("$message", Db(message));
            command.Parameters.AddWithValue("$now", Now());
            command.Parameters.AddWithValue("$id", current.Id.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await AppendHistoryAsync(
            connection, transaction, current.JobId, HistoryKind.Evaluation, current.Status.ToString(), status.ToString(), actor, details,
            cancellationToken, evaluationId: current.Id);
    }

    private static async Task<EvaluationRecord?> ReadEvaluationAsync(SqliteConnection connection, SqliteTransaction? transaction, EvaluationId id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {EvaluationColumns} FROM evaluations WHERE id = $id";
        command.Parameters.AddWithValue("$id", id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEvaluation(reader) : null;
    }

    private static EvaluationRecord ReadEvaluation(SqliteDataReader reader) => new()
    {
        Id = EvaluationId.Parse(reader.GetString(0)),
        JobId = JobId.Parse(reader.GetString(1)),
        TriggeredBy = Enum.Parse<EvaluationTrigger>(reader.GetString(2)),
        Status = Enum.Parse<EvaluationStatus>(reader.GetString(3)),
        Priority = reader.GetInt32(4),
        WaitUntil = FromTicks(reader.GetInt64(5)),
        LeaseOwner = reader.IsDBNull(6) ? null : reader.GetString(6),
        LeaseExpiresAt = reader.IsDBNull(7) ? null : FromTicks(reader.GetInt64(7)),
        Attempts = reader.GetInt32(8),
        Message = reader.IsDBNull(9) ? null : reader.GetString(9),
        CreatedAt = FromTicks(reader.GetInt64(10)),
        ModifiedAt = FromTicks(reader.GetInt64(11)),
    };
}
