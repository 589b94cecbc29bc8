using Cairn.Jobs;

namespace Cairn.ApiModels;

/// <summary>A job as the API shows it: the spec plus where it stands.</summary>
public sealed record JobView
{
    /// <summary>The job's id.</summary>
    public required string ID { get; init; }

    /// <summary>The job's name.</summary>
    public required string Name { get; init; }

    /// <summary>The job's type.</summary>
    public JobType Type { get; init; }

    /// <summary>The job's state.</summary>
    public JobState State { get; init; }

    /// <summary>Why the job is in its state (the last transition's message).</summary>
    public string? StateMessage { get; init; }

    /// <summary>Incremented by every change.</summary>
    public long Revision { get; init; }

    /// <summary>When the job was submitted.</summary>
    public DateTimeOffset CreateTime { get; init; }

    /// <summary>When the job last changed.</summary>
    public DateTimeOffset ModifyTime { get; init; }

    /// <summary>The job's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The full job as stored.</summary>
    public required Job Spec { get; init; }

    /// <summary>Builds the view of a stored job.</summary>
    public static JobView From(JobRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new JobView
        {
            ID = record.Job.Id.Value,
            Name = record.Job.Name,
            Type = record.Job.Type,
            State = record.State,
            StateMessage = record.StateMessage,
            Revision = record.Revision,
            CreateTime = record.CreatedAt,
            ModifyTime = record.ModifiedAt,
            Labels = record.Job.Labels,
            Spec = record.Job,
        };
    }
}
