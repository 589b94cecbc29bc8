using System.Text.Json;
using Cairn.Jobs;
using Microsoft.Data.Sqlite;

namespace Cairn.Orchestrator.Store;

/// <content>Jobs.</content>
public sealed partial class SqliteJobStore
{
    private const string JobColumns = "id, state, state_message, revision, spec, created_at, modified_at";

    /// <inheritdoc />
    public Task<JobRecord> CreateJobAsync(Job job, EvaluationRecord? evaluation, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Id.IsEmpty)
        {
            throw new CairnException(ErrorCode.InvalidArgument, "A job needs an id before it is stored.");
        }

        return WriteAsync(
            async (connection, transaction) =>
            {
                var now = Now();
                await using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = """
                        INSERT INTO jobs (id, name, namespace, type, priority, state, state_message, revision, spec, created_at, modified_at)
                        VALUES ($id, $name, $ns, $type, $priority, $state, NULL, 1, $spec, $now, $now)
                        """;
                    command.Parameters.AddWithValue("$id", job.Id.Value);
                    command.Parameters.AddWithValue("$name", job.Name);
                    command.Parameters.AddWithValue("$ns", job.Namespace);
                    command.Parameters.AddWithValue("$type", job.Type.ToString());
                    command.Parameters.AddWithValue("$priority", job.Priority);
                    command.Parameters.AddWithValue("$state", nameof(JobState.Pending));
                    command.Parameters.AddWithValue("$spec", JsonSerializer.Serialize(job, JobStoreJsonContext.Default.Job));
                    command.Parameters.AddWithValue("$now", now);
                    try
                    {
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }
                    catch (SqliteException e) when (e.SqliteErrorCode == 19)
                    {
                        throw new CairnException(ErrorCode.Conflict, $"Job {job.Id} already exists.", e);
                    }
                }

                await AppendHistoryAsync(connection, transaction, job.Id, HistoryKind.Job, null, nameof(JobState.Pending), actor, "submitted", cancellationToken);
                if (evaluation is not null)
                {
                    await InsertEvaluationAsync(connection, transaction, evaluation, actor, cancellationToken);
                }

                return new JobRecord { Job = job, State = JobState.Pending, Revision = 1, CreatedAt = FromTicks(now), ModifiedAt = FromTicks(now) };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<JobRecord?> GetJobAsync(JobId id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await ReadJobAsync(connection, null, id, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobState? state = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {JobColumns} FROM jobs WHERE ($state IS NULL OR state = $state) ORDER BY created_at DESC, id LIMIT $limit";
        command.Parameters.AddWithValue("$state", Db(state?.ToString()));
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var jobs = new List<JobRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(ReadJob(reader));
        }

        return jobs;
    }

    /// <inheritdoc />
    public Task<JobRecord> UpdateJobStateAsync(JobId id, JobState state, string? message, string actor, CancellationToken cancellationToken = default) =>
        UpdateJobStateAsync(id, state, message, actor, null, cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord> UpdateJobStateAsync(JobId id, JobState state, string? message, string actor, EvaluationRecord? followUp, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var current = await ReadJobAsync(connection, transaction, id, cancellationToken)
                    ?? throw new CairnException(ErrorCode.NotFound, $"Job {id} does not exist.");
                if (current.State == state)
                {
                    return current;
                }

                JobStateMachine.EnsureTransition(id, current.State, state);
                var now = Now();
                await using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = "UPDATE jobs SET state = $state, state_message = $message, revision = revision + 1, modified_at = $now WHERE id = $id";
                    command.Parameters.AddWithValue("$state", state.ToString());
                    command.Parameters.AddWithValue("$message", Db(message));
                    command.Parameters.AddWithValue("$now", now);
                    command.Parameters.AddWithValue("$id", id.Value);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await AppendHistoryAsync(connection, transaction, id, HistoryKind.Job, current.State.ToString(), state.ToString(), actor, message, cancellationToken);
                if (followUp is not null)
                {
                    await InsertEvaluationAsync(connection, transaction, followUp, actor, cancellationToken);
                }

                return current with { State = state, StateMessage = message, Revision = current.Revision + 1, ModifiedAt = FromTicks(now) };
            },
            cancellationToken);

    private async Task<JobRecord?> ReadJobAsync(SqliteConnection connection, SqliteTransaction? transaction, JobId id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {JobColumns} FROM jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadJob(reader) : null;
    }

    private JobRecord ReadJob(SqliteDataReader reader)
    {
        // A job's spec is written once, at submission, and never updated: parse it once. A scheduler
        // pass and every node report read the job, and the JSON parse was the costliest part of a read.
        var id = reader.GetString(0);
        if (!_specs.TryGetValue(id, out var job))
        {
            job = JsonSerializer.Deserialize(reader.GetString(4), JobStoreJsonContext.Default.Job)
                ?? throw new CairnException(ErrorCode.IntegrityViolation, $"Job {id} has an empty spec in the store.");
            if (_specs.Count >= MaxCachedSpecs)
            {
                _specs.Clear();
            }

            _specs[id] = job;
        }

        return new JobRecord
        {
            Job = job,
            State = Enum.Parse<JobState>(reader.GetString(1)),
            StateMessage = reader.IsDBNull(2) ? null : reader.GetString(2),
            Revision = reader.GetInt64(3),
            CreatedAt = FromTicks(reader.GetInt64(5)),
            ModifiedAt = FromTicks(reader.GetInt64(6)),
        };
    }
}
